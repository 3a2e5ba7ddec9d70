import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelType } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { simulateFirstMessage, type ChannelRouting, type RoutingPreview, type RoutingSettings } from '@crm/routing';
import { effectiveStage, findDialog, PostgresRoutingLookups } from '@crm/routing-data';
import type { AuthUser } from '../../auth/auth-user';
import { ChannelReferencesValidator } from '../../channels/channel-references';
import type { SimulateRoutingDto } from './simulate-routing.dto';

/** Stands for the sender's id when the sample has none: no identity can have it. */
const ANONYMOUS_SENDER = 'routing-preview:anonymous';

/**
 * POST /routing/simulate (wizard step 2): what lead-routing would do with a first message of the sample sender now —
 * the very planner lead-routing runs (@crm/routing simulateFirstMessage), on the account's data read through the very
 * queries lead-routing makes (@crm/routing-data), inside a READ ONLY transaction, so it writes nothing and locks nothing.
 */
@Injectable()
export class SimulateRoutingUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly references: ChannelReferencesValidator,
  ) {}

  async execute(user: AuthUser, body: SimulateRoutingDto): Promise<RoutingPreview> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      const channel = await this.channelOf(m, user.accountId, body);
      const externalUserId = body.sender.externalUserId ?? ANONYMOUS_SENDER;
      const externalChatId = body.externalChatId ?? externalUserId;
      // A draft channel has no dialogs yet: the first message always opens a new one.
      const dialog = body.channelId ? await findDialog(m, user.accountId, channel.id, externalChatId) : null;
      return simulateFirstMessage(new PostgresRoutingLookups(m, { locking: false }), {
        channel,
        externalChatId,
        sender: { ...body.sender, externalUserId },
        dialog,
      });
    });
  }

  /** The channel the message would arrive on: the account's channel `channelId`, or a draft of the given type. */
  private async channelOf(m: EntityManager, accountId: string, body: SimulateRoutingDto): Promise<ChannelRouting> {
    let name = 'Новый канал';
    if (body.channelId) {
      const [row] = (await m.query(`SELECT type, name FROM channels WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL`, [body.channelId, accountId])) as Array<{
        type: string;
        name: string;
      }>;
      if (!row) throw new DomainError(ErrorCode.CHANNEL_NOT_FOUND, {}, [{ path: 'channelId', constraints: ['no such channel in this account'] }]);
      if (row.type !== body.channelType) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'channelType', constraints: [`channel ${body.channelId} is ${row.type}, not ${body.channelType}`] }]);
      }
      name = row.name;
    }
    return { id: body.channelId ?? randomUUID(), accountId, type: body.channelType as ChannelType, name, settings: await this.settingsOf(m, accountId, body) };
  }

  /** The draft's toggles (omitted → false) and funnel/stage, checked like a channel's and resolved like lead-routing does. */
  private async settingsOf(m: EntityManager, accountId: string, body: SimulateRoutingDto): Promise<RoutingSettings> {
    const r = body.routing;
    const funnelId = r.funnelId ?? null;
    await this.references.assert(m, accountId, { integrationId: null, funnelId, stageId: r.stageId ?? null });
    if (!funnelId && r.stageId) {
      throw new DomainError(ErrorCode.STAGE_NOT_IN_FUNNEL, {}, [{ path: 'routing.stageId', constraints: ['the stage must belong to routing.funnelId'] }]);
    }
    return {
      createLeadOnFirstMessage: r.createLeadOnFirstMessage ?? false,
      findExistingLead: r.findExistingLead ?? false,
      createClientOnFirstMessage: r.createClientOnFirstMessage ?? false,
      autoMatchClient: r.autoMatchClient ?? false,
      funnelId,
      stageId: funnelId ? await effectiveStage(m, accountId, funnelId, r.stageId ?? null) : null,
    };
  }
}
