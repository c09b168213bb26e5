/**
 * @packageDocumentation
 * thv-registry-api: the Koa service that serves one MCP server registry snapshot over HTTP (the upstream MCP
 * Registry API under `/v0.1` and `/v0`, and the ToolHive API under `/api/v1/registry`). `main.ts` is the process;
 * this entry exposes the app factory and its parts for tests, benchmarks and embedding.
 */
export { createApp, RegistryApiApp } from './app.js'
export type { AppDeps } from './app.js'
export { parseConfig, helpText, ConfigError, Flags } from './config.js'
export type { ApiConfig, ConfigOutcome, RegistryRef, SnapshotSourceConfig } from './config.js'
export { createApiMetrics } from './http/api-metrics.js'
export type { ApiMetrics } from './http/api-metrics.js'
export { DefaultRequestLimits } from './http/request-limits.middleware.js'
export type { RequestLimits } from './http/request-limits.middleware.js'
export { closeGracefully } from './http/graceful-close.js'
export { loadOpenApiYaml } from './openapi.document.js'
export { SnapshotStore } from './snapshot/snapshot-store.js'
export type { OfferResult, ViewSource } from './snapshot/snapshot-store.js'
export { FileSnapshotLoader } from './snapshot/file-snapshot.loader.js'
export type { FileSnapshotLoaderOptions, LoadOutcome, SnapshotBuilder, SnapshotBuildFailure } from './snapshot/file-snapshot.loader.js'
export { watchStorageSnapshots } from './snapshot/storage-snapshot.loader.js'
export type { StorageSnapshotLoaderOptions } from './snapshot/storage-snapshot.loader.js'
export { fileSnapshotBuilder, decodeStoredSnapshot, renderToolHive } from './formats.js'
export type { FileRegistryIdentity } from './formats.js'
export { RegistryView } from './views/registry-view.js'
export type { RegistryViewOptions, ServedView, ToolHiveDocument } from './views/registry-view.js'
export type { ServedSnapshot } from './snapshot/served-snapshot.js'
