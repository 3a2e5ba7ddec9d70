import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { ChannelEntity, isUniqueViolation, UNIQUE_KEYS, type ChannelType } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { SecretBox } from '../../security/secret-box';
import { ChannelConfigPublisher } from '../channel-config.publisher';
import { ChannelReferencesValidator } from '../channel-references';
import { ChannelSettingsService } from '../channel-settings.service';
import { requireChannel } from '../channel.store';
import type { CreateChannelDto } from './create-channel.dto';

/**
 * The wizard in one request: refuses a type nothing receives messages of yet (422 CHANNEL_TYPE_UNAVAILABLE), validates
 * the choices and the type's settings, refuses the same platform identity twice
 * (409), checks the credentials (rejected → 422 and nothing is saved; platform unreachable → saved with status error,
 * retried in the background), then stores the channel and enqueues its config in one transaction.
 */
@Injectable()
export class CreateChannelUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly settingsService: ChannelSettingsService,
    private readonly references: ChannelReferencesValidator,
    private readonly publisher: ChannelConfigPublisher,
    private readonly secrets: SecretBox,
  ) {}

  async execute(user: AuthUser, dto: CreateChannelDto): Promise<ChannelEntity> {
    // Nothing would receive the messages of an unavailable type: 422 before anything else (DESIGN §7 of issue 9).
    const adapter = this.registry.requireAvailable(dto.type);
    const settings = this.settingsService.validate(adapter, dto.settings);
    const routing = dto.routing ?? {};
    const refs = { integrationId: dto.integrationId ?? null, funnelId: routing.funnelId ?? null, stageId: routing.stageId ?? null };
    await this.references.assert(this.dataSource.manager, user.accountId, refs);
    const fingerprint = this.settingsService.fingerprint(adapter, settings);
    await this.settingsService.assertNotConnected(this.dataSource.manager, user.accountId, adapter, fingerprint);

    const check = await this.settingsService.verify(adapter, settings);
    const stored = this.settingsService.store(adapter, settings, check);
    const generated = adapter.generateSecrets();
    try {
      return await this.dataSource.transaction(async (m) => {
        await this.references.assert(m, user.accountId, refs, true);
        const row = await m.save(
          ChannelEntity,
          m.create(ChannelEntity, {
            accountId: user.accountId,
            type: adapter.type as ChannelType,
            name: dto.name,
            description: dto.description ?? null,
            ...this.settingsService.statusAfter(check),
            integrationId: refs.integrationId,
            funnelId: refs.funnelId,
            stageId: refs.stageId,
            createLeadOnFirstMessage: routing.createLeadOnFirstMessage ?? false,
            findExistingLead: routing.findExistingLead ?? false,
            createClientOnFirstMessage: routing.createClientOnFirstMessage ?? false,
            autoMatchClient: routing.autoMatchClient ?? false,
            ...stored,
            webhookSecretEncrypted: generated.webhookSecret ? this.secrets.encrypt(generated.webhookSecret) : null,
            publicKey: generated.publicKey,
            revision: 1,
          }),
        );
        const saved = await requireChannel(m, user.accountId, row.id);
        await this.publisher.published(m, saved);
        return saved;
      });
    } catch (err) {
      if (isUniqueViolation(err, UNIQUE_KEYS.channelCredential)) {
        // Lost a race with a concurrent request for the same identity: answer as if we had seen it first.
        await this.settingsService.assertNotConnected(this.dataSource.manager, user.accountId, adapter, fingerprint);
        throw new DomainError(ErrorCode.CHANNEL_ALREADY_CONNECTED, { what: adapter.descriptor.title.ru, channel: '' });
      }
      throw err;
    }
  }
}
