import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelEntity } from '@crm/persistence';
import { readWidgetSettings } from '@crm/widget-visitor';
import { WidgetChannel, WidgetChannelDirectory } from './widget-channel.port';

/** Public keys are base64url-ish tokens; anything else is not looked up at all. */
const PUBLIC_KEY = /^[A-Za-z0-9_-]{8,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Widget channels straight from the channels table the api writes (same database): always the current state. */
@Injectable()
export class WidgetChannelRepository extends WidgetChannelDirectory {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findActiveByPublicKey(publicKey: string): Promise<WidgetChannel | null> {
    if (!PUBLIC_KEY.test(publicKey)) return null;
    const row = await this.dataSource
      .getRepository(ChannelEntity)
      .createQueryBuilder('c')
      .select(['c.id', 'c.accountId', 'c.name', 'c.publicKey', 'c.settings'])
      .where('c.publicKey = :publicKey', { publicKey })
      .andWhere(`c.type = 'widget'`)
      .andWhere(`c.status = 'active'`)
      .andWhere('c.deletedAt IS NULL')
      .getOne();
    return row ? toWidgetChannel(row) : null;
  }

  async findActiveById(accountId: string, channelId: string): Promise<WidgetChannel | null> {
    if (!UUID.test(accountId) || !UUID.test(channelId)) return null;
    const row = await this.dataSource
      .getRepository(ChannelEntity)
      .createQueryBuilder('c')
      .select(['c.id', 'c.accountId', 'c.name', 'c.publicKey', 'c.settings'])
      .where('c.id = :channelId AND c.accountId = :accountId', { channelId, accountId })
      .andWhere(`c.type = 'widget'`)
      .andWhere(`c.status = 'active'`)
      .andWhere('c.deletedAt IS NULL')
      .getOne();
    return row ? toWidgetChannel(row) : null;
  }
}

function toWidgetChannel(row: ChannelEntity): WidgetChannel {
  return { id: row.id, accountId: row.accountId, name: row.name, publicKey: row.publicKey ?? '', settings: readWidgetSettings(row.settings) };
}
