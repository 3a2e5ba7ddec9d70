import {
  identityRef,
  phoneRef,
  usernameRef,
  type ClientPhoneSnapshot,
  type DialogSnapshot,
  type LookupRequest,
  type RoutingLookupPort,
  type VerifiedPhoneTargets,
} from '@crm/routing';

/** Anything that runs SQL on one connection: a TypeORM EntityManager / QueryRunner, a pg client. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

interface IdentityRow {
  channel_id: string;
  external_user_id: string;
  client_id: string;
  phone_e164: string | null;
}

/**
 * The Postgres answers to the routing rules' questions (RoutingLookupPort), set-based: one statement per question per
 * batch. lead-routing runs them on its routing transaction with `locking: true` (advisory locks serialise writers of
 * one person); the api's preview on a read-only transaction with `locking: false`. Tenant isolation: phones and
 * usernames are looked up per account, identities per channel (a channel belongs to one account), open leads of the
 * clients those lookups returned.
 */
export class PostgresRoutingLookups implements RoutingLookupPort {
  constructor(
    private readonly db: SqlRunner,
    private readonly options: { locking: boolean },
  ) {}

  /**
   * Transaction-scoped advisory locks on the given keys, in sorted order (deadlock-free between batches that lock
   * overlapping sets). Postgres evaluates the locking expression after the ORDER BY.
   */
  async lock(keys: string[]): Promise<void> {
    if (!this.options.locking || keys.length === 0) return;
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k COLLATE "C"`, [keys]);
  }

  async identityClients(request: LookupRequest['identities']): Promise<Map<string, string>> {
    return new Map((await this.identities(request)).map((r) => [identityRef(r.channel_id, r.external_user_id), r.client_id]));
  }

  /** The oldest client of the account with each phone, verified (a typed phone on a client matches nobody). */
  async phoneClients(request: LookupRequest['phones']): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (request.length === 0) return out;
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (c.account_id, c.phone_e164) c.account_id, c.phone_e164, c.id
         FROM clients c
         JOIN unnest($1::uuid[], $2::text[]) AS k(account_id, phone)
           ON c.account_id = k.account_id AND c.phone_e164 = k.phone AND c.phone_verified
        ORDER BY c.account_id, c.phone_e164, c.created_at, c.id`,
      [request.map((r) => r.accountId), request.map((r) => r.phoneE164)],
    )) as Array<{ account_id: string; phone_e164: string; id: string }>;
    for (const r of rows) out.set(phoneRef(r.account_id, r.phone_e164), r.id);
    return out;
  }

  /** The client of the oldest identity with each username on each channel type (case-insensitive). */
  async usernameClients(request: LookupRequest['usernames']): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (request.length === 0) return out;
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (ci.account_id, ci.channel_type, lower(ci.username))
              ci.account_id, ci.channel_type, lower(ci.username) AS username, ci.client_id
         FROM client_identities ci
         JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS k(account_id, channel_type, username)
           ON ci.account_id = k.account_id AND ci.channel_type = k.channel_type AND lower(ci.username) = k.username
        ORDER BY ci.account_id, ci.channel_type, lower(ci.username), ci.created_at, ci.id`,
      [request.map((r) => r.accountId), request.map((r) => r.channelType), request.map((r) => r.username)],
    )) as Array<{ account_id: string; channel_type: string; username: string; client_id: string }>;
    for (const r of rows) out.set(usernameRef(r.account_id, r.channel_type, r.username), r.client_id);
    return out;
  }

  /** identityRef → the stored phone of each existing identity among `request` (senders with a verified phone). */
  async identityPhones(request: VerifiedPhoneTargets['identities']): Promise<Map<string, string | null>> {
    return new Map((await this.identities(request)).map((r) => [identityRef(r.channel_id, r.external_user_id), r.phone_e164]));
  }

  /** clientId → its phone and whether it is verified, for the clients of the account a verified phone may join. */
  async clientPhones(request: VerifiedPhoneTargets['clients']): Promise<Map<string, ClientPhoneSnapshot>> {
    const out = new Map<string, ClientPhoneSnapshot>();
    if (request.length === 0) return out;
    const rows = (await this.db.query(
      `SELECT c.id, c.phone_e164, c.phone_verified
         FROM clients c
         JOIN unnest($1::uuid[], $2::uuid[]) AS k(account_id, id) ON c.account_id = k.account_id AND c.id = k.id`,
      [request.map((r) => r.accountId), request.map((r) => r.clientId)],
    )) as Array<{ id: string; phone_e164: string | null; phone_verified: boolean }>;
    for (const r of rows) out.set(r.id, { phoneE164: r.phone_e164, verified: r.phone_verified });
    return out;
  }

  /** clientId → its most recent open lead. */
  async openLeads(clientIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (clientIds.length === 0) return out;
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (l.client_id) l.client_id, l.id
         FROM leads l
         JOIN clients c ON c.id = l.client_id AND c.account_id = l.account_id
        WHERE l.client_id = ANY($1::uuid[]) AND l.status = 'open'
        ORDER BY l.client_id, l.created_at DESC, l.id DESC`,
      [clientIds],
    )) as Array<{ client_id: string; id: string }>;
    for (const r of rows) out.set(r.client_id, r.id);
    return out;
  }

  /** The stored identities among (channel, external user) pairs. */
  private async identities(request: Array<{ channelId: string; externalUserId: string }>): Promise<IdentityRow[]> {
    if (request.length === 0) return [];
    return (await this.db.query(
      `SELECT ci.channel_id, ci.external_user_id, ci.client_id, ci.phone_e164
         FROM client_identities ci
         JOIN unnest($1::uuid[], $2::text[]) AS k(channel_id, external_user_id)
           ON ci.channel_id = k.channel_id AND ci.external_user_id = k.external_user_id`,
      [request.map((r) => r.channelId), request.map((r) => r.externalUserId)],
    )) as IdentityRow[];
  }
}

/** The stored dialog of (channel, chat) in the account, without locking it; null when the chat has none yet. */
export async function findDialog(db: SqlRunner, accountId: string, channelId: string, externalChatId: string): Promise<Omit<DialogSnapshot, 'created'> | null> {
  const [row] = (await db.query(
    `SELECT id, status, client_id, lead_id, last_message_at FROM dialogs WHERE account_id = $1 AND channel_id = $2 AND external_chat_id = $3`,
    [accountId, channelId, externalChatId],
  )) as Array<{ id: string; status: 'open' | 'closed'; client_id: string | null; lead_id: string | null; last_message_at: Date | null }>;
  return row ? { id: row.id, status: row.status, clientId: row.client_id, leadId: row.lead_id, lastMessageAt: row.last_message_at } : null;
}

/**
 * The stage new leads of a funnel start in (DESIGN §7.3), as lead-routing's channel directory resolves it: the given
 * stage if it still belongs to the (not deleted) funnel of the account, else the funnel's first stage; null without
 * a funnel or when the funnel has no stage.
 */
export async function effectiveStage(db: SqlRunner, accountId: string, funnelId: string, stageId: string | null): Promise<string | null> {
  const [row] = (await db.query(
    `SELECT COALESCE(s.id, first_stage.id) AS stage_id
       FROM funnels f
       LEFT JOIN funnel_stages s ON s.id = $3 AND s.funnel_id = f.id AND s.deleted_at IS NULL
       LEFT JOIN LATERAL (
         SELECT fs.id FROM funnel_stages fs WHERE fs.funnel_id = f.id AND fs.deleted_at IS NULL ORDER BY fs.position, fs.created_at, fs.id LIMIT 1
       ) first_stage ON true
      WHERE f.account_id = $1 AND f.id = $2 AND f.deleted_at IS NULL`,
    [accountId, funnelId, stageId],
  )) as Array<{ stage_id: string | null }>;
  return row?.stage_id ?? null;
}
