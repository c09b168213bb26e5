/** The objects that expose a registry API beyond the cluster (`spec.expose`): an Ingress or a Gateway API HTTPRoute. */
import type { KubernetesObject, V1Ingress, V1ObjectMeta } from '@kubernetes/client-node'
import type { Expose } from '@thv/registry-model'
import { ApiServicePort, apiResourceName } from './api-objects.js'

/** A Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1), typed as far as the operator writes it. */
export interface HTTPRoute extends KubernetesObject {
  spec: {
    parentRefs: { group?: string; kind?: string; name: string; namespace?: string; sectionName?: string }[]
    hostnames?: string[]
    rules: { matches: { path: { type: string; value: string } }[]; backendRefs: { name: string; port: number }[] }[]
  }
}

/** What `spec.expose` asks for: the Ingress or the HTTPRoute to apply (at most one is set). */
export interface ExposeObjects {
  readonly ingress: V1Ingress | undefined
  readonly httpRoute: HTTPRoute | undefined
}

/**
 * The Ingress (`<name>-api`, every path to the API Service, TLS from `tls.secretName`) or the HTTPRoute
 * (`<name>-api`, attached to `parentRefs`, every path to the API Service) for `expose`. Neither when
 * `expose` is unset.
 */
export function desiredExposeObjects(registryName: string, metadata: V1ObjectMeta, expose: Expose | undefined): ExposeObjects {
  const service = apiResourceName(registryName)
  const ingress = expose?.ingress
  const route = expose?.httpRoute
  return {
    ingress: ingress === undefined ? undefined : {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata,
      spec: {
        ...(ingress.className === undefined ? {} : { ingressClassName: ingress.className }),
        ...(ingress.tls === undefined ? {} : { tls: [{ hosts: [ingress.host], secretName: ingress.tls.secretName }] }),
        rules: [{
          host: ingress.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: ApiServicePort } } } }] },
        }],
      },
    },
    httpRoute: route === undefined ? undefined : {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        parentRefs: route.parentRefs.map((p) => ({ ...p })),
        ...(route.hostnames === undefined ? {} : { hostnames: [...route.hostnames] }),
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: service, port: ApiServicePort }] }],
      },
    },
  }
}
