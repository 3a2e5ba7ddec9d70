// @crm/crm-port — the port every CRM adapter implements (Bitrix24, amoCRM…), the sync model it works on, and the
// CRM-independent pieces the integrations service and the adapters share: SSRF-safe HTTP to user-given URLs, the
// leaky bucket, backoff and the application clock. No Nest, no TypeORM.
export { backoffMs, type BackoffPolicy } from './backoff';
export { scaledClock, systemClock, type Clock } from './clock';
export {
  CRM_ADAPTERS,
  type CrmAdapter,
  type CrmCheck,
  type CrmCredentials,
  type CrmStep,
  type CrmStepResult,
  type IntegrationSignal,
  type RecordOutcome,
} from './crm-adapter.port';
export { CrmAdapterRegistry } from './crm-adapter.registry';
export { CrmHttpClient, CrmTransportError, type CrmHttpRequest, type CrmHttpResponse } from './crm-http';
export { CrmHostUnresolvedError, CrmUrlPolicy, CrmUrlRefusedError, type CrmUrlPolicyOptions } from './crm-url-policy';
export { bucketWaitMs, drainBucket, fullBucket, takeFromBucket, withHeadroom, type BucketState, type RateLimit } from './leaky-bucket';
export {
  messageMarker,
  type ClientItem,
  type ClientSnapshot,
  type LeadItem,
  type LeadSnapshot,
  type MessageItem,
  type MessageSnapshot,
  type SyncChannel,
  type SyncEntity,
  type SyncItem,
} from './sync-item';
export {
  FORWARDED_EVENT_KINDS,
  planSyncRecords,
  type ForwardableEvent,
  type LeadFacts,
  type LinkedChannel,
  type PlannedRecord,
  type SyncRecordsInput,
} from './sync-records-plan';
export { recordUpdates, throttleAfter, type RecordState, type RecordUpdate, type SyncPolicy, type ThrottleState } from './sync-transitions';
