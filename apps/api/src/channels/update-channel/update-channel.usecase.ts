import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry, type CredentialCheck } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { isUniqueViolation, UNIQUE_KEYS, type ChannelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { ChannelReferencesValidator } from '../channel-references';
import { ChannelSettingsService } from '../channel-settings.service';
import { relockUnchanged, requireChannel, saveNextRevision } from '../channel.store';
import type { UpdateChannelDto } from './update-channel.dto';

/**
 * Changes a channel. New credentials are checked like on create (422 and nothing saved when rejected); an enabled
 * channel's status follows the check, a disabled one stays inactive.
 */
@Injectable()
export class UpdateChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly settingsService: ChannelSettingsService,
    private readonly references: ChannelReferencesValidator,
    private readonly publisher: ChannelConfigPublisher,
  ) {}

  async execute(user: AuthUser, id: string, dto: UpdateChannelDto): Promise<ChannelEntity> {
    const seen = await requireChannel(this.dataSource.manager, user.accountId, id);
    const adapter = this.registry.get(seen.type);
    const routing = dto.routing ?? {};
    const refs = {
      integrationId: dto.integrationId !== undefined ? dto.integrationId : seen.integrationId,
      funnelId: routing.funnelId !== undefined ? routing.funnelId : seen.funnelId,
      stageId: routing.stageId !== undefined ? routing.stageId : routing.funnelId !== undefined && routing.funnelId !== seen.funnelId ? null : seen.stageId,
    };
    await this.references.assert(this.dataSource.manager, user.accountId, refs);

    let settings: Record<string, unknown> | undefined;
    let check: CredentialCheck | null = null;
    if (dto.settings !== undefined) {
      settings = this.settingsService.merge(adapter, seen, dto.settings);
      if (this.settingsService.credentialsDiffer(adapter, settings, this.settingsService.current(adapter, seen))) {
        await this.settingsService.assertNotConnected(this.dataSource.manager, user.accountId, adapter, this.settingsService.fingerprint(adapter, settings), id);
        check = await this.settingsService.verify(adapter, settings);
      }
    }

    try {
      return await this.dataSource.transaction(async (m) => {
        const row = await relockUnchanged(m, seen);
        await this.references.assert(m, user.accountId, refs, true);
        if (dto.name !== undefined) row.name = dto.name;
        if (dto.description !== undefined) row.description = dto.description;
        row.integrationId = refs.integrationId ?? null;
        row.funnelId = refs.funnelId ?? null;
        row.stageId = refs.stageId ?? null;
        for (const key of ['createLeadOnFirstMessage', 'findExistingLead', 'createClientOnFirstMessage', 'autoMatchClient'] as const) {
          if (routing[key] !== undefined) row[key] = routing[key];
        }
        if (settings !== undefined) Object.assign(row, this.settingsService.store(adapter, settings, check, row.settings));
        if (check && row.status !== 'inactive') Object.assign(row, this.settingsService.statusAfter(check));
        const saved = await saveNextRevision(m, row);
        await this.publisher.published(m, saved);
        return saved;
      });
    } catch (err) {
      if (isUniqueViolation(err, UNIQUE_KEYS.channelCredential)) throw new DomainError(ErrorCode.CHANNEL_ALREADY_CONNECTED, { what: adapter.descriptor.title.ru, channel: '' });
      throw err;
    }
  }
}
