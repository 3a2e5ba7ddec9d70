import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry } from '@crm/channel-types';
import type { ChannelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { ChannelSettingsService } from '../channel-settings.service';
import { relockUnchanged, requireChannel, saveNextRevision } from '../channel.store';

/**
 * Turns a channel on, if its type is available (else 422 CHANNEL_TYPE_UNAVAILABLE): its credentials are checked again (rejected → 422, nothing changes; platform unreachable →
 * status error, retried in the background). An active channel is answered as it is.
 */
@Injectable()
export class ActivateChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly settingsService: ChannelSettingsService,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  async execute(user: AuthUser, id: string): Promise<ChannelEntity> {
    const seen = await requireChannel(this.dataSource.manager, user.accountId, id);
    if (seen.status === 'active') return seen;
    // A channel of a type nothing receives yet stays inactive (422 CHANNEL_TYPE_UNAVAILABLE).
    const adapter = this.registry.requireAvailable(seen.type);
    const settings = this.settingsService.current(adapter, seen);
    const check = await this.settingsService.verify(adapter, settings);
    return this.dataSource.transaction(async (m) => {
      const row = await relockUnchanged(m, seen);
      Object.assign(row, this.settingsService.statusAfter(check));
      if (check.outcome === 'valid') row.settings = this.settingsService.store(adapter, settings, check).settings;
      const saved = await saveNextRevision(m, row);
      await this.publisher.published(m, saved);
      return saved;
    });
  }
}
