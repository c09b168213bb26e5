import { expect } from 'chai'
import { escapeHtml, html, safeExternalUrl, SafeHtml } from './html.js'

describe('catalogue html', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const hostile = `<script>alert("x")</script>' onload='x'&`
    expect(html`<p title="${hostile}">${hostile}</p>`.text).to.equal(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x&#39;&amp;">'
      + '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x&#39;&amp;</p>')
    expect(escapeHtml('a&b')).to.equal('a&amp;b')
  })

  it('inserts SafeHtml as is, joins arrays and drops undefined, null and false', () => {
    const inner = html`<b>${'<i>'}</b>`
    expect(inner).to.be.instanceOf(SafeHtml)
    expect(html`${inner}|${['<', html`<br>`]}|${undefined}${null}${false}|${0}`.text).to.equal('<b>&lt;i&gt;</b>|&lt;<br>||0')
  })

  it('lets only http(s) URLs become links', () => {
    expect(safeExternalUrl('https://example.test/a?b=1')).to.equal('https://example.test/a?b=1')
    expect(safeExternalUrl('javascript:alert(1)')).to.equal(undefined)
    expect(safeExternalUrl('data:text/html,x')).to.equal(undefined)
    expect(safeExternalUrl('not a url')).to.equal(undefined)
    expect(safeExternalUrl(undefined)).to.equal(undefined)
  })
})
