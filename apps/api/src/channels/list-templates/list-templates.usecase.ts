import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelSettingsService } from '../channel-settings.service';
import { requireChannel } from '../channel.store';
import type { TemplateListResponse } from './list-templates.dto';

/**
 * The approved templates of a channel, asked live from its platform through the type's optional `listTemplates`
 * (a type without templates → 422 TEMPLATES_NOT_SUPPORTED). Credentials are decrypted only for the call.
 */
@Injectable()
export class ListTemplatesUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settingsService: ChannelSettingsService,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
  ) {}

  async execute(user: AuthUser, channelId: string): Promise<TemplateListResponse> {
    const row = await requireChannel(this.dataSource.manager, user.accountId, channelId);
    const adapter = this.registry.get(row.type);
    if (typeof adapter.listTemplates !== 'function') throw new DomainError(ErrorCode.TEMPLATES_NOT_SUPPORTED);
    const items = await adapter.listTemplates(this.settingsService.current(adapter, row));
    return { items };
  }
}
