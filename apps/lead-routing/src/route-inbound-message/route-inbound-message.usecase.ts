import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Histogram, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { createEnvelope, crmEventKey, Topics } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { enqueueOutbox, type OutboxRecord } from '@crm/outbox';
import {
  chatRef,
  loadRoutingLookups,
  messageRef,
  newTimeOrderedId,
  planInboundBatch,
  prepareInbound,
  type ChannelRouting,
  type PreparedInbound,
  type RoutingPlan,
  type SkipReason,
} from '@crm/routing';
import { PostgresRoutingLookups } from '@crm/routing-data';
import { LOGGER } from '@crm/service-kit';
import { ChannelRoutingDirectory, type ChannelRoutingEntry } from '../channels/channel-routing.directory';
import { RouteInboundMessageCommand } from './route-inbound-message.command';
import { ConversationContextRepository } from './conversation-context.repository';
import { RoutingRepository, type ChatToOpen } from './routing.repository';

const OUTBOX_CHUNK = 5000;

export interface RoutingOutcome {
  stored: number;
  skipped: Partial<Record<SkipReason, number>>;
  events: number;
}

function metrics() {
  return {
    batchSeconds:
      (register.getSingleMetric('crm_lead_routing_batch_seconds') as Histogram) ??
      new Histogram({
        name: 'crm_lead_routing_batch_seconds',
        help: 'Duration of one routing transaction (one Kafka run of inbound events)',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      }),
    batchSize:
      (register.getSingleMetric('crm_lead_routing_batch_size') as Histogram) ??
      new Histogram({ name: 'crm_lead_routing_batch_size', help: 'Inbound events per routing transaction', buckets: [1, 5, 20, 50, 100, 200, 500, 1000, 2000] }),
    skipped:
      (register.getSingleMetric('crm_lead_routing_skipped_total') as Counter<'reason'>) ??
      new Counter({ name: 'crm_lead_routing_skipped_total', help: 'Inbound events that changed nothing (redelivery, stale edit…)', labelNames: ['reason'] }),
  };
}

/**
 * Routes a run of inbound events of one partition (in order) in ONE transaction, DESIGN §7:
 * lock/open the dialogs → find redeliveries and edit targets → lock the senders who may get a client (advisory locks)
 * → look up identities, phones, usernames → lock and load the open leads that may be linked → plan in memory
 * (pure @crm/routing) → write the plan with one statement per table → CRM events into the outbox, same transaction.
 * A redelivered event changes nothing, so the effect is exactly-once under at-least-once delivery (the consumer
 * commits its offsets only after this returns).
 */
@Injectable()
export class RouteInboundMessageUseCase {
  private readonly metrics = metrics();

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelRoutingDirectory,
    private readonly repository: RoutingRepository,
    private readonly conversationContext: ConversationContextRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(commands: readonly RouteInboundMessageCommand[]): Promise<RoutingOutcome> {
    if (commands.length === 0) return { stored: 0, skipped: {}, events: 0 };
    const stopTimer = this.metrics.batchSeconds.startTimer();
    const resolved = await this.channels.resolve(commands.map((c) => c.channelId));
    const items = commands.map((command) => prepareInbound(toInput(command, this.routable(resolved, command))));
    const channels = new Map<string, ChannelRouting>([...resolved].map(([id, entry]) => [id, entry]));

    const plan = await this.dataSource.transaction(async (m) => {
      const dialogs = await this.repository.openDialogs(m, chatsToOpen(items));
      const stored = await this.repository.storedInbound(
        m,
        dedupe(items.map((i) => ({ channelId: i.channelId, externalId: i.externalMessageId })), (r) => messageRef(r.channelId, r.externalId)),
      );
      // Lock the senders who may get a client, then identities → phones → usernames → open leads (the same reads the
      // api's routing preview makes). Not a unique key on clients(account_id, phone_e164): without auto-match, §7.2
      // must create a second client with the same phone, and clients entered by hand may share one. Known dialogs
      // (the hot path) lock nothing.
      const lookups = await loadRoutingLookups(new PostgresRoutingLookups(m, { locking: true }), { items, channels, dialogs, messages: stored });

      const planned = planInboundBatch({
        items,
        channels,
        lookups,
        newId: newTimeOrderedId,
      });
      await this.repository.write(m, planned);
      await this.conversationContext.apply(m, items);
      const records = outboxRecords(planned, new Date());
      // Six bind parameters per outbox row; Postgres takes at most 65535 per statement.
      for (let i = 0; i < records.length; i += OUTBOX_CHUNK) await enqueueOutbox(m, records.slice(i, i + OUTBOX_CHUNK));
      return planned;
    });

    stopTimer();
    this.metrics.batchSize.observe(commands.length);
    const skipped: RoutingOutcome['skipped'] = {};
    for (const s of plan.skipped) {
      skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
      this.metrics.skipped.inc({ reason: s.reason });
    }
    if (plan.skipped.length > 0) this.logger.debug({ skipped }, 'inbound events without effect');
    return { stored: plan.messages.length, skipped, events: plan.events.length };
  }

  /** Unknown, deleted or foreign channels are final errors: the event goes to the dead-letter topic. */
  private routable(resolved: Map<string, ChannelRoutingEntry>, command: RouteInboundMessageCommand): ChannelRoutingEntry {
    const channel = resolved.get(command.channelId);
    if (!channel || channel.deleted || channel.accountId !== command.accountId) {
      throw new DomainError(ErrorCode.CHANNEL_NOT_FOUND, {}, { channelId: command.channelId, eventId: command.eventId });
    }
    if (channel.type !== command.data.channelType) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [
        { path: 'data.channelType', constraints: [`channel ${channel.id} is ${channel.type}, not ${command.data.channelType}`] },
      ]);
    }
    return channel;
  }
}

function toInput(command: RouteInboundMessageCommand, channel: ChannelRoutingEntry) {
  const d = command.data;
  return {
    accountId: command.accountId,
    channelId: channel.id,
    channelType: channel.type,
    externalChatId: d.externalChatId,
    externalMessageId: d.externalMessageId,
    event: d.event,
    sender: {
      externalUserId: d.sender.externalUserId,
      displayName: d.sender.displayName,
      username: d.sender.username,
      phone: d.sender.phone,
      phoneVerified: d.sender.phoneVerified,
    },
    kind: d.kind,
    text: d.text ?? null,
    attachments: (d.attachments ?? []).map((a) => ({ ...a })),
    location: d.location ? { ...d.location } : null,
    contact: d.contact ? { ...d.contact } : null,
    context: d.context ?? null,
    replyToExternalMessageId: d.replyToExternalMessageId ?? null,
    sentAt: new Date(d.sentAt),
  };
}

/** Chats that receive a new message in this batch (edits and deletes never open a dialog). */
function chatsToOpen(items: readonly PreparedInbound[]): ChatToOpen[] {
  return dedupe(
    items.filter((i) => i.event === 'new').map((i) => ({ accountId: i.accountId, channelId: i.channelId, externalChatId: i.externalChatId })),
    (c) => chatRef(c.channelId, c.externalChatId),
  );
}

function dedupe<T>(values: T[], key: (v: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** The plan's CRM events, occurring now: when they are recorded (see PlannedCrmEvent). */
function outboxRecords(plan: RoutingPlan, recordedAt: Date): OutboxRecord[] {
  return plan.events.map((e) => ({
    accountId: e.accountId,
    topic: Topics.CrmEvents,
    key: crmEventKey(e.data.dialogId),
    envelope: createEnvelope('crm.event', e.data, { accountId: e.accountId, channelId: e.channelId, occurredAt: recordedAt }),
  }));
}
