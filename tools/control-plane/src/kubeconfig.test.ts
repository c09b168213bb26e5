import { KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import { KubeconfigClusterName, renderKubeconfig } from './kubeconfig.js'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

describe('renderKubeconfig', () => {
  it('renders a self-contained admin kubeconfig that client-node loads', () => {
    const kc = new KubeConfig()
    kc.loadFromString(renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: CA, token: 't0k3n' }))
    expect(kc.getCurrentContext()).to.equal(`admin@${KubeconfigClusterName}`)
    expect(kc.getCurrentCluster()?.server).to.equal('https://127.0.0.1:6443')
    expect(Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString()).to.equal(CA)
    expect(kc.getCurrentCluster()?.skipTLSVerify).to.equal(false)
    expect(kc.getCurrentUser()?.token).to.equal('t0k3n')
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).to.equal(undefined)
  })

  it('names the user and sets the default namespace when given', () => {
    const kc = new KubeConfig()
    kc.loadFromString(
      renderKubeconfig({ server: 'https://127.0.0.1:1', caPem: CA, token: 'x', userName: 'system:serviceaccount:ns1:op', namespace: 'ns1' }),
    )
    expect(kc.getCurrentUser()?.name).to.equal('system:serviceaccount:ns1:op')
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).to.equal('ns1')
  })
})
