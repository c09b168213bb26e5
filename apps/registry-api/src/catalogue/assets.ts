/**
 * The catalogue's stylesheet and script, served by the API itself at `/ui/assets/...` (no CDN: clusters are
 * often air-gapped). The script is progressive enhancement only: instant search and copy buttons; every page
 * works without it.
 */

/** The stylesheet (system fonts only). */
export const CatalogueCss = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff}
body{margin:0}a{color:#0b57b0}
header.site{display:flex;gap:2rem;align-items:center;padding:.75rem 1.5rem;background:#12263f}
header.site a{color:#fff;text-decoration:none;margin-right:1rem}.brand{font-weight:700}
nav.views{color:#fff}nav.views span{margin-right:.5rem}nav.views a[aria-current]{text-decoration:underline;font-weight:700}
main{padding:1rem 1.5rem;max-width:72rem}
form.search{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin-bottom:1rem}
form.search input[type=search]{flex:1;min-width:16rem;padding:.4rem;font-size:1rem}
.results{display:grid;grid-template-columns:14rem 1fr;gap:1.5rem}
.facet h2{font-size:1rem;margin:.5rem 0}.facet ul{list-style:none;padding:0;margin:0}
.facet a[aria-current]{font-weight:700}.count{color:#4a5562}
ul.servers{list-style:none;padding:0}li.server{border-bottom:1px solid #d0d7de;padding:.5rem 0}
li.server h3{margin:.2rem 0}.badge{display:inline-block;border:1px solid #8a96a3;border-radius:.6rem;padding:0 .5rem;font-size:.85rem}
.tag{margin-right:.3rem;font-size:.9rem}.pager{display:flex;gap:1rem;margin:1rem 0}
pre{background:#f3f5f7;padding:.75rem;overflow:auto}figure.snippet{margin:0 0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}
dl.details{display:grid;grid-template-columns:10rem 1fr}dd{margin:0 0 .3rem}
`

/** The script: copy buttons and instant search (fetches the list page's HTML from the same origin). */
export const CatalogueJs = `
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('button.copy').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = 'Copied'; });
    });
  });
  var form = document.querySelector('form.search');
  var input = document.getElementById('q');
  if (!form || !input || !window.fetch) return;
  var timer, pending;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = form.getAttribute('action') + '?' + new URLSearchParams(new FormData(form)).toString();
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url, { headers: { Accept: 'text/html' }, signal: pending.signal }).then(function (res) {
        return res.ok ? res.text() : Promise.reject(new Error(String(res.status)));
      }).then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('results');
        var current = document.getElementById('results');
        if (fresh && current) { current.replaceWith(fresh); history.replaceState(null, '', url); }
      }).catch(function () {});
    }, 200);
  });
});
`
