// Test and benchmark helpers for the Telegram connector: the kit's ConnectorTestKit with Telegram's record shapes
// (a bot token as the credentials, telegram send commands). Real Kafka; nothing here stands in for our own services.
import type { ChannelStatus, OutboundMessageData } from '@crm/contracts';
import { ConnectorTestKit, type ConnectorTestKitOptions } from '@crm/connector-kit';

export type { SeenRecord } from '@crm/connector-kit';
export type TelegramKitOptions = ConnectorTestKitOptions;

export interface ChannelConfigInput {
  channelId: string;
  accountId: string;
  botToken: string;
  status?: ChannelStatus;
  revision?: number;
  /** A generated webhook secret (stored encrypted); absent = the connector derives one. */
  webhookSecret?: string;
  /** false = no x-channel-type header (a record written before the header existed). */
  typeHeader?: boolean;
}

/** Creates the topics, publishes config/commands like the api does, and records what lands on inbound/status. */
export class TelegramKit extends ConnectorTestKit {
  static override async start(options: TelegramKitOptions): Promise<TelegramKit> {
    const kit = new TelegramKit(options);
    await kit.init();
    return kit;
  }

  /** A Telegram channel.config record (or, with `tombstone`, the delete tombstone) as the api publishes it. */
  override async publishChannel(input: ChannelConfigInput | Parameters<ConnectorTestKit['publishChannel']>[0]): Promise<void> {
    if ('tombstone' in input || !('botToken' in input)) return super.publishChannel(input);
    return super.publishChannel({
      ...input,
      type: 'telegram',
      name: 'Telegram бот',
      settings: { botId: input.botToken.split(':')[0] },
      credentials: { botToken: input.botToken },
    });
  }

  /** A Telegram send command (channelType defaults to telegram). */
  override publishOutbound(
    target: { accountId: string; channelId: string },
    message: Partial<OutboundMessageData> & { externalChatId: string; text: string },
    options: { typeHeader?: boolean } = {},
  ): Promise<OutboundMessageData> {
    return super.publishOutbound(target, { channelType: 'telegram', ...message }, options);
  }
}
