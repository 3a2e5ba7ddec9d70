import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChannelType } from '@crm/contracts';
import type { ChannelRouting } from '@crm/routing';
import { LeadRoutingConfig } from '../config/lead-routing.config';

/** A channel's routing view plus what decides whether its messages may be routed at all. */
export interface ChannelRoutingEntry extends ChannelRouting {
  deleted: boolean;
}

interface ChannelRow {
  id: string;
  account_id: string;
  type: ChannelType;
  name: string;
  deleted: boolean;
  funnel_id: string | null;
  stage_id: string | null;
  create_lead_on_first_message: boolean;
  find_existing_lead: boolean;
  create_client_on_first_message: boolean;
  auto_match_client: boolean;
}

/**
 * Routing settings of channels (the `channels` table of the same database), cached briefly per channel: a batch
 * reads only the channels it has not seen within the TTL, all in one query. The effective stage is resolved here:
 * the channel's stage if it still belongs to its (not deleted) funnel, else that funnel's first stage.
 */
@Injectable()
export class ChannelRoutingDirectory {
  private readonly cache = new Map<string, { entry: ChannelRoutingEntry; expiresAt: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LeadRoutingConfig) private readonly config: LeadRoutingConfig,
  ) {}

  /** The channels among `ids` that exist (deleted ones included, flagged); unknown ids are absent. */
  async resolve(ids: Iterable<string>): Promise<Map<string, ChannelRoutingEntry>> {
    const now = Date.now();
    const found = new Map<string, ChannelRoutingEntry>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = this.cache.get(id);
      if (cached && cached.expiresAt > now) found.set(id, cached.entry);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.account_id, c.type, c.name, c.deleted_at IS NOT NULL AS deleted,
              f.id AS funnel_id,
              CASE WHEN f.id IS NULL THEN NULL ELSE COALESCE(s.id, first_stage.id) END AS stage_id,
              c.create_lead_on_first_message, c.find_existing_lead, c.create_client_on_first_message, c.auto_match_client
         FROM channels c
         LEFT JOIN funnels f ON f.id = c.funnel_id AND f.account_id = c.account_id AND f.deleted_at IS NULL
         LEFT JOIN funnel_stages s ON s.id = c.stage_id AND s.funnel_id = f.id AND s.deleted_at IS NULL
         LEFT JOIN LATERAL (
           SELECT fs.id FROM funnel_stages fs
            WHERE fs.funnel_id = f.id AND fs.deleted_at IS NULL
            ORDER BY fs.position, fs.created_at, fs.id
            LIMIT 1
         ) first_stage ON true
        WHERE c.id = ANY($1::uuid[])`,
      [missing.filter(isUuid)],
    )) as ChannelRow[];
    const expiresAt = now + this.config.ROUTING_CHANNEL_CACHE_TTL_MS;
    if (this.cache.size > MAX_CACHED) {
      for (const [id, cached] of this.cache) if (cached.expiresAt <= now) this.cache.delete(id);
    }
    for (const row of rows) {
      const entry: ChannelRoutingEntry = {
        id: row.id,
        accountId: row.account_id,
        type: row.type,
        name: row.name,
        deleted: row.deleted,
        settings: {
          createLeadOnFirstMessage: row.create_lead_on_first_message,
          findExistingLead: row.find_existing_lead,
          createClientOnFirstMessage: row.create_client_on_first_message,
          autoMatchClient: row.auto_match_client,
          funnelId: row.funnel_id,
          stageId: row.stage_id,
        },
      };
      if (this.config.ROUTING_CHANNEL_CACHE_TTL_MS > 0) this.cache.set(row.id, { entry, expiresAt });
      found.set(row.id, entry);
    }
    return found;
  }
}

/** Beyond this many cached channels, expired entries are swept before adding more. */
const MAX_CACHED = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: string): boolean {
  return UUID.test(value);
}
