import { Inject, Injectable } from '@nestjs/common';
import { ChannelTypeRegistry, localize } from '@crm/channel-types';
import type { Locale } from '@crm/domain';
import type { ChannelEntity } from '@crm/persistence';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../config/api.config';
import { SecretBox } from '../security/secret-box';
import type { ChannelResponse } from './channel.dto';

/** A channel as the API shows it: secrets masked, `connection` telling the user what to paste, health. */
@Injectable()
export class ChannelPresenter {
  private readonly publicUrl: string;

  constructor(
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly secrets: SecretBox,
    @Inject(SERVICE_CONFIG) config: ApiConfig,
  ) {
    this.publicUrl = config.PUBLIC_URL.replace(/\/+$/, '');
  }

  present(row: ChannelEntity, locale: Locale): ChannelResponse {
    const adapter = this.registry.get(row.type);
    const connection = adapter.connection({
      channelId: row.id,
      publicUrl: this.publicUrl,
      webhookSecret: row.webhookSecretEncrypted ? this.secrets.decrypt(row.webhookSecretEncrypted) : null,
      publicKey: row.publicKey,
      publicSettings: row.settings,
    });
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      description: row.description,
      status: row.status,
      statusReason: row.statusReason,
      integrationId: row.integrationId,
      routing: {
        funnelId: row.funnelId,
        stageId: row.stageId,
        createLeadOnFirstMessage: row.createLeadOnFirstMessage,
        findExistingLead: row.findExistingLead,
        createClientOnFirstMessage: row.createClientOnFirstMessage,
        autoMatchClient: row.autoMatchClient,
      },
      settings: { ...row.settings, ...this.secrets.mask(this.secrets.decryptJson(row.secretsEncrypted)) },
      connection: { manual: connection.manual, ...connection.values, note: localize(connection.note, locale) },
      health: {
        status: row.healthStatus,
        causeCode: row.healthCauseCode,
        message: row.healthMessage,
        checkedAt: row.healthCheckedAt ? row.healthCheckedAt.toISOString() : null,
      },
      revision: row.revision,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
