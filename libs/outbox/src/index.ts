export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { enqueueOutbox, OUTBOX_CHANNEL, type OutboxRecord } from './outbox-writer';
export { outboxBacklogQuery, trackOutboxBacklog, type OutboxBacklogOptions, type OutboxBacklogRow } from './outbox-metrics';
