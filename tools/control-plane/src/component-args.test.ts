import { expect } from 'chai'
import {
  apiServerArgs,
  Controllers,
  controllerManagerArgs,
  etcdArgs,
  KwokNodeAnnotation,
  kwokArgs,
  planeFiles,
  schedulerArgs,
} from './component-args.js'

const files = planeFiles('/tmp/plane')
const ports = { etcdClient: 2379, etcdPeer: 2380, apiServer: 6443, kwok: 10247 }

function flag(args: readonly string[], name: string): string | undefined {
  const hit = args.find((a) => a.startsWith(`--${name}=`))
  return hit?.slice(name.length + 3)
}

function expectNoDuplicateFlags(args: readonly string[]): void {
  const names = args.map((a) => a.split('=')[0])
  expect(new Set(names).size, `duplicate flags in ${args.join(' ')}`).to.equal(names.length)
}

describe('component args', () => {
  it('places every file of the plane below its folder', () => {
    for (const [key, path] of Object.entries(files)) {
      if (key !== 'dir') expect(path.startsWith('/tmp/plane/'), key).to.equal(true)
    }
  })

  it('runs etcd as a single loopback member without fsync', () => {
    const args = etcdArgs(files, ports)
    expectNoDuplicateFlags(args)
    expect(flag(args, 'listen-client-urls')).to.equal('http://127.0.0.1:2379')
    expect(flag(args, 'initial-cluster')).to.equal('thv=http://127.0.0.1:2380')
    expect(flag(args, 'data-dir')).to.equal(files.etcdData)
    expect(flag(args, 'unsafe-no-fsync')).to.equal('true')
  })

  it('wires kube-apiserver to etcd, the token file, the service-account keys and RBAC', () => {
    const args = apiServerArgs(files, ports)
    expectNoDuplicateFlags(args)
    expect(flag(args, 'etcd-servers')).to.equal('http://127.0.0.1:2379')
    expect(flag(args, 'secure-port')).to.equal('6443')
    expect(flag(args, 'bind-address')).to.equal('127.0.0.1')
    expect(flag(args, 'token-auth-file')).to.equal(files.tokenAuthFile)
    expect(flag(args, 'service-account-signing-key-file')).to.equal(files.serviceAccountKey)
    expect(flag(args, 'service-account-key-file')).to.equal(files.serviceAccountPub)
    expect(flag(args, 'authorization-mode')).to.equal('RBAC')
    expect(flag(args, 'cert-dir')).to.equal(files.pki)
  })

  it('starts the controllers the tests rely on, without leader election or serving ports', () => {
    const kcm = controllerManagerArgs(files)
    expectNoDuplicateFlags(kcm)
    expect(flag(kcm, 'controllers')?.split(',')).to.include.members([
      'deployment-controller',
      'replicaset-controller',
      'garbage-collector-controller',
      'namespace-controller',
      'serviceaccount-controller',
    ])
    expect(flag(kcm, 'controllers')?.split(',')).to.have.length(Controllers.length)
    expect(flag(kcm, 'leader-elect')).to.equal('false')
    expect(flag(kcm, 'kubeconfig')).to.equal(files.kubeconfig)
    const sched = schedulerArgs(files)
    expectNoDuplicateFlags(sched)
    expect(flag(sched, 'secure-port')).to.equal('0')
  })

  it('lets kwok manage only nodes annotated as fake and bind its server to loopback', () => {
    const args = kwokArgs(files, ports)
    expectNoDuplicateFlags(args)
    expect(flag(args, 'manage-all-nodes')).to.equal('false')
    expect(flag(args, 'manage-nodes-with-annotation-selector')).to.equal(`${KwokNodeAnnotation}=fake`)
    expect(flag(args, 'server-address')).to.equal('127.0.0.1:10247')
  })
})
