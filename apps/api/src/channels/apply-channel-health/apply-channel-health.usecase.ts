import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChannelHealthData, EventEnvelope } from '@crm/contracts';
import { ChannelEntity, type ChannelStatus } from '@crm/persistence';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { saveNextRevision } from '../channel.store';

export type HealthOutcome = 'unknown-channel' | 'stale' | 'recorded' | 'status-changed';

/** Default reasons when a connector reports a broken channel without a cause code. */
const REASON_OF: Partial<Record<ChannelHealthData['status'], string>> = {
  'needs-reauth': 'CHANNEL_NEEDS_REAUTH',
  disconnected: 'CHANNEL_DISCONNECTED',
};

/**
 * A connector's health report (channels.status.v1 `channel.health`) updates the channel: health fields always;
 * needs-reauth / disconnected put an enabled channel in status error; a recovery (active) brings an erroring channel
 * back to active. A status change is published through the outbox. Reports older than the last one are ignored, so
 * redeliveries and reordering change nothing.
 */
@Injectable()
export class ApplyChannelHealthUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  execute(envelope: EventEnvelope<ChannelHealthData>): Promise<HealthOutcome> {
    const { data } = envelope;
    return this.dataSource.transaction(async (m) => {
      const row = await m
        .getRepository(ChannelEntity)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :id AND c.accountId = :accountId', { id: envelope.channelId, accountId: envelope.accountId })
        .getOne();
      if (!row) return 'unknown-channel';
      const at = new Date(data.at);
      if (row.healthCheckedAt && at.getTime() < row.healthCheckedAt.getTime()) return 'stale';

      row.healthStatus = data.status;
      row.healthCauseCode = data.causeCode ?? null;
      row.healthMessage = data.message ?? null;
      row.healthCheckedAt = at;

      const next = nextStatus(row.status, data);
      if (next === null) {
        await m.save(ChannelEntity, row);
        return 'recorded';
      }
      row.status = next.status;
      row.statusReason = next.statusReason;
      await this.publisher.published(m, await saveNextRevision(m, row), envelope.id);
      return 'status-changed';
    });
  }
}

function nextStatus(current: ChannelStatus, data: ChannelHealthData): { status: ChannelStatus; statusReason: string | null } | null {
  if (current === 'inactive') return null; // switched off by the user: health is shown, status stays
  if (data.status === 'needs-reauth' || data.status === 'disconnected') {
    const statusReason = data.causeCode ?? REASON_OF[data.status]!;
    return { status: 'error', statusReason };
  }
  if (data.status === 'active' && current === 'error') return { status: 'active', statusReason: null };
  return null;
}
