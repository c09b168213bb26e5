/** A KubeConfig whose requests share one connection pool per cluster and TLS identity. */
import { statSync } from 'node:fs'
import { KubeConfig, type RequestContext } from '@kubernetes/client-node'
import type { Dispatcher } from 'undici'

/**
 * A `KubeConfig` for long-running processes. client-node 2.x gives every request a new undici `Agent` (in
 * `applySecurityAuthentication`), so every API call and watch opens its own TCP connection, builds a new TLS context
 * from the CA and client certificate, and does a full TLS handshake; the connection then idles until undici's
 * keep-alive timeout. Under load that costs CPU and leaves hundreds of TLS connections and their native buffers
 * alive. This class keeps the first `Agent` made for the current cluster and TLS identity (server, proxy, TLS
 * options, CA and client certificate and key, inline or by file) and gives it to every later request, so connections
 * are reused. Credentials sent as headers (tokens, token files, exec and auth-provider plugins, basic auth) are still
 * applied to every request by client-node; a change of the TLS identity (another context, a rotated certificate file)
 * starts a new pool, and the old one closes its idle connections after the keep-alive timeout.
 *
 * @example
 * const kc = new PooledKubeConfig()
 * kc.loadFromDefault()
 * const core = kc.makeApiClient(CoreV1Api) // requests of core, of a Watch and of a KubeClient on kc share connections
 */
export class PooledKubeConfig extends KubeConfig {
  #pool: { readonly identity: string; readonly dispatcher: Dispatcher } | undefined

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context)
    const fresh = context.getDispatcher()
    // No dispatcher: plain HTTP without TLS options, served by undici's global (pooled) dispatcher.
    if (fresh === undefined) return
    const identity = this.#tlsIdentity()
    if (this.#pool === undefined || this.#pool.identity !== identity) {
      this.#pool = { identity, dispatcher: fresh }
      return
    }
    // The fresh Agent has opened no connection yet; dropping it costs nothing.
    context.setDispatcher(this.#pool.dispatcher)
  }

  /** What the Agent's connections depend on, with certificate files stamped by their modification time. */
  #tlsIdentity(): string {
    const cluster = this.getCurrentCluster()
    const user = this.getCurrentUser()
    const file = (path: string | undefined): string | undefined => (path === undefined ? undefined : `${path}@${statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 'absent'}`)
    return JSON.stringify([
      cluster?.server, cluster?.proxyUrl, cluster?.skipTLSVerify, cluster?.tlsServerName, cluster?.caData, file(cluster?.caFile),
      user?.certData, file(user?.certFile), user?.keyData, file(user?.keyFile),
    ])
  }
}
