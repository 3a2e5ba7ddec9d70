import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry, type CredentialCheck } from '@crm/channel-types';
import { isDomainError } from '@crm/domain';
import { ChannelEntity } from '@crm/persistence';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { ChannelSettingsService, PLATFORM_UNAVAILABLE } from '../channel-settings.service';
import { saveNextRevision } from '../channel.store';

export type ReverifyOutcome = 'active' | 'still-unavailable' | 'rejected' | 'changed';

/**
 * Asks the platform again about one channel saved while it was unreachable (status error, PLATFORM_UNAVAILABLE):
 * valid → active; rejected meanwhile → stays error with the rejection's code (no more retries); still unreachable →
 * unchanged. Applied only if nobody changed the channel during the check.
 */
@Injectable()
export class ReverifyChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly settingsService: ChannelSettingsService,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  /** Channels waiting for a re-check, across accounts (a system job), oldest change first. */
  async candidates(limit = 50): Promise<Array<{ id: string; accountId: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT id, account_id FROM channels WHERE status = 'error' AND status_reason = $1 AND deleted_at IS NULL ORDER BY updated_at LIMIT $2`,
      [PLATFORM_UNAVAILABLE, limit],
    )) as Array<{ id: string; account_id: string }>;
    return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
  }

  async execute(channel: { id: string; accountId: string }): Promise<ReverifyOutcome> {
    const seen = await this.dataSource.getRepository(ChannelEntity).findOne({ where: { id: channel.id, accountId: channel.accountId } });
    if (!seen || !waiting(seen)) return 'changed';
    const adapter = this.registry.get(seen.type);
    const settings = this.settingsService.current(adapter, seen);
    let check: CredentialCheck;
    let rejectedCode: string | undefined;
    try {
      check = await this.settingsService.verify(adapter, settings);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      check = { outcome: 'unavailable', detail: err.code };
      rejectedCode = err.code;
    }
    if (check.outcome === 'unavailable' && !rejectedCode) return 'still-unavailable';

    return this.dataSource.transaction(async (m) => {
      const row = await m
        .getRepository(ChannelEntity)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.id = :id AND c.accountId = :accountId', channel)
        .getOne();
      if (!row || row.revision !== seen.revision || !waiting(row)) return 'changed';
      if (rejectedCode) {
        row.statusReason = rejectedCode;
      } else {
        Object.assign(row, this.settingsService.statusAfter(check), { settings: this.settingsService.store(adapter, settings, check).settings });
      }
      await this.publisher.published(m, await saveNextRevision(m, row));
      return rejectedCode ? 'rejected' : 'active';
    });
  }
}

function waiting(row: ChannelEntity): boolean {
  return row.status === 'error' && row.statusReason === PLATFORM_UNAVAILABLE;
}
