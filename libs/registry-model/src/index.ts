/** @packageDocumentation registry-model */
export {}
export {
  ConditionType, ConditionReason, EventReason, ConditionStatusCodec, ConditionCodec, findCondition,
} from './conditions.js'
export type { Condition, ConditionStatus } from './conditions.js'
export {
  MCPRegistryGroup, MCPRegistryVersion, MCPRegistryKindName, MCPRegistryPlural, SyncTriggerAnnotation,
  GoDurationPattern, MultiplierPattern, NameGlobPattern, ObjectNamePattern, ConfigMapKeyPattern, MaxGlobLength,
  MaxFilterItems, GoDurationCodec, MultiplierCodec, NameGlobCodec, FilterTagCodec, PositiveIntCodec,
  NonNegativeIntCodec, ConfigMapSourceCodec, SourceTypeCodec, SourceFormatCodec, MCPRegistrySourceCodec,
  RetryPolicyCodec, SyncModeCodec, SyncPolicyCodec, NameFilterCodec, TagFilterCodec, RegistryFilterSpecCodec,
  MCPRegistrySpecCodec, MCPRegistryPhaseCodec, StorageRefCodec, MCPRegistryStatusCodec, ObjectMetaCodec,
  MCPRegistryCodec,
} from './mcpregistry.codec.js'
export type {
  ConfigMapSource, SourceFormat, MCPRegistrySource, RetryPolicy, SyncMode, SyncPolicy, TagFilter,
  RegistryFilterSpec, MCPRegistrySpec, MCPRegistryPhase, StorageRef, MCPRegistryStatus, ObjectMeta, MCPRegistry,
} from './mcpregistry.codec.js'
export {
  MCPServerPlural, MCPServerKindName, RegistryNameLabel, RegistryNamespaceLabel, ServerNameLabel, MCPServerCodec,
} from './mcpserver.codec.js'
export type { MCPServer } from './mcpserver.codec.js'
