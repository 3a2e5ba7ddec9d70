import type { DataSource } from 'typeorm';
import type { ClientIdentityResponse, ClientResponse, PossibleDuplicateResponse } from './client.dto';

export interface ClientRow {
  id: string;
  name: string;
  phone_e164: string | null;
  phone_verified: boolean;
  email: string | null;
  created_at: Date;
  sort_v: string;
}

export const CLIENT_SELECT = `
  SELECT c.id, c.name, c.phone_e164, c.phone_verified, c.email, c.created_at,
         to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_v
    FROM clients c`;

/** The identities of the given clients of the account, oldest first. */
export async function identitiesOf(db: Pick<DataSource, 'query'>, accountId: string, clientIds: string[]): Promise<Map<string, ClientIdentityResponse[]>> {
  const out = new Map<string, ClientIdentityResponse[]>();
  if (clientIds.length === 0) return out;
  const rows = (await db.query(
    `SELECT client_id, channel_type, channel_id, external_user_id, username, phone_e164, display_name, match_rule, created_at
       FROM client_identities WHERE account_id = $1 AND client_id = ANY($2::uuid[]) ORDER BY created_at, id`,
    [accountId, clientIds],
  )) as Array<{ client_id: string; channel_type: string; channel_id: string; external_user_id: string; username: string | null; phone_e164: string | null; display_name: string | null; match_rule: string; created_at: Date }>;
  for (const r of rows) {
    const list = out.get(r.client_id) ?? [];
    list.push({
      channelType: r.channel_type,
      channelId: r.channel_id,
      externalUserId: r.external_user_id,
      username: r.username,
      phone: r.phone_e164,
      displayName: r.display_name,
      matchRule: r.match_rule,
      createdAt: r.created_at.toISOString(),
    });
    out.set(r.client_id, list);
  }
  return out;
}

export function presentClient(row: ClientRow, identities: ClientIdentityResponse[] = []): ClientResponse {
  return { id: row.id, name: row.name, phone: row.phone_e164, phoneVerified: row.phone_verified, email: row.email, identities, createdAt: row.created_at.toISOString() };
}

/** At most this many possible duplicates are listed (oldest first). */
const MAX_DUPLICATES = 20;

/**
 * Other clients of the account that share a phone with this client — on the client itself or on one of its identities
 * (a verified phone shared after the client was found lands on the identity, DESIGN §7.2), on either side. Computed
 * on read: merges and erasures show at once, and nothing is stored twice.
 */
export async function possibleDuplicatesOf(db: Pick<DataSource, 'query'>, accountId: string, clientId: string): Promise<PossibleDuplicateResponse[]> {
  const rows = (await db.query(
    `WITH phones AS (
       SELECT phone_e164 AS phone FROM clients WHERE account_id = $1 AND id = $2 AND phone_e164 IS NOT NULL
       UNION
       SELECT phone_e164 FROM client_identities WHERE account_id = $1 AND client_id = $2 AND phone_e164 IS NOT NULL
     ), others AS (
       SELECT c.id AS client_id, p.phone FROM phones p JOIN clients c ON c.account_id = $1 AND c.phone_e164 = p.phone
       UNION
       SELECT ci.client_id, p.phone FROM phones p JOIN client_identities ci ON ci.account_id = $1 AND ci.phone_e164 = p.phone
     )
     SELECT DISTINCT ON (c.created_at, c.id) c.id, c.name, o.phone
       FROM others o JOIN clients c ON c.account_id = $1 AND c.id = o.client_id
      WHERE c.id <> $2
      ORDER BY c.created_at, c.id, o.phone
      LIMIT ${MAX_DUPLICATES}`,
    [accountId, clientId],
  )) as Array<{ id: string; name: string; phone: string }>;
  return rows.map((r) => ({ clientId: r.id, name: r.name, reason: 'same_phone', phone: r.phone }));
}
