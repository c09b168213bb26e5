/** @packageDocumentation k8s-reconcile */
export {}
