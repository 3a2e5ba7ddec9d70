import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, crmEventKey, Topics } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { enqueueOutbox } from '@crm/outbox';
import { AuditLog } from '../../audit/audit-log';
import type { AuthUser } from '../../auth/auth-user';
import type { ClientDetailResponse } from '../client.dto';
import { CLIENT_SELECT, identitiesOf, possibleDuplicatesOf, presentClient, type ClientRow } from '../client.store';

interface LockedClient {
  id: string;
  name: string;
  phone_e164: string | null;
  phone_verified: boolean;
  email: string | null;
}

interface SurvivorLead {
  id: string;
  dialog_id: string;
  channel_id: string;
}

/** What moved from the merged client to the survivor (counts for the audit log, ids for the CRM events). */
interface Moved {
  identities: number;
  dialogs: number;
  leads: number;
}

/**
 * POST /clients/:id/merge (DESIGN §4): in ONE transaction, the identities, dialogs and leads of client `mergedId` go to
 * `intoClientId`; the survivor's empty fields are filled from the merged one; who was merged into whom is kept in
 * client_merges; the merged row is deleted (GET /clients/:mergedId → 404 CLIENT_NOT_FOUND); `client.merged` goes to the
 * outbox for each lead of the survivor (the integrations service comments it on the CRM lead); the audit log records it.
 * possibleDuplicates are computed on read, so they reflect the merge at once.
 *
 * Locks, in the order lead-routing takes them, so a merge and a routing batch never deadlock: first the dialogs of
 * both clients (FOR UPDATE, in (channel, chat) order, as lead-routing locks dialogs), then both client rows (FOR UPDATE,
 * by id). Two merges touching the same client serialise on those locks; the UPDATEs then read the latest committed
 * rows, so a client merged meanwhile is 404 and nothing moved by the other merge is lost.
 */
@Injectable()
export class MergeClientUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
  ) {}

  async execute(user: AuthUser, mergedId: string, intoClientId: string): Promise<ClientDetailResponse> {
    if (mergedId === intoClientId) {
      throw new DomainError(ErrorCode.CLIENT_MERGE_INTO_ITSELF, {}, [{ path: 'intoClientId', constraints: ['intoClientId must be another client than :id'] }]);
    }
    const accountId = user.accountId;
    await this.dataSource.transaction(async (m) => {
      const { merged, survivor } = await this.lock(m, accountId, mergedId, intoClientId);
      const moved = await this.move(m, accountId, merged.id, survivor.id);
      await fillSurvivor(m, accountId, survivor, merged);
      await m.query(`INSERT INTO client_merges (account_id, merged_client_id, into_client_id, user_id) VALUES ($1, $2, $3, $4)`, [accountId, merged.id, survivor.id, user.userId]);
      await m.query(`DELETE FROM clients WHERE account_id = $1 AND id = $2`, [accountId, merged.id]);
      await this.emitMerged(m, accountId, merged.id, survivor.id);
      await this.auditLog.record(m, {
        accountId,
        userId: user.userId,
        action: 'client.merged',
        entity: 'client',
        entityId: merged.id,
        details: { intoClientId: survivor.id, identities: moved.identities, dialogs: moved.dialogs, leads: moved.leads },
      });
    });
    return this.present(accountId, intoClientId);
  }

  private async lock(m: EntityManager, accountId: string, mergedId: string, intoClientId: string): Promise<{ merged: LockedClient; survivor: LockedClient }> {
    await m.query(
      `SELECT id FROM dialogs WHERE account_id = $1 AND client_id = ANY($2::uuid[]) ORDER BY channel_id, external_chat_id FOR UPDATE`,
      [accountId, [mergedId, intoClientId]],
    );
    const rows = (await m.query(
      `SELECT id, name, phone_e164, phone_verified, email FROM clients WHERE account_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [accountId, [mergedId, intoClientId]],
    )) as LockedClient[];
    const merged = rows.find((r) => r.id === mergedId);
    const survivor = rows.find((r) => r.id === intoClientId);
    if (!merged) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND, {}, [{ path: 'id', constraints: ['no such client in this account'] }]);
    if (!survivor) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND, {}, [{ path: 'intoClientId', constraints: ['no such client in this account'] }]);
    return { merged, survivor };
  }

  /** Identities, dialogs and leads of the merged client → the survivor, one statement each. */
  private async move(m: EntityManager, accountId: string, mergedId: string, survivorId: string): Promise<Moved> {
    const params = [accountId, mergedId, survivorId];
    const count = async (sql: string) => ((await m.query(sql, params)) as [unknown[], number])[1];
    return {
      identities: await count(`UPDATE client_identities SET client_id = $3, updated_at = now() WHERE account_id = $1 AND client_id = $2`),
      dialogs: await count(`UPDATE dialogs SET client_id = $3, updated_at = now() WHERE account_id = $1 AND client_id = $2`),
      leads: await count(`UPDATE leads SET client_id = $3, updated_at = now() WHERE account_id = $1 AND client_id = $2`),
    };
  }

  /** client.merged on crm.events.v1, once per lead of the survivor (key: the lead's dialog); per dialog without leads. */
  private async emitMerged(m: EntityManager, accountId: string, mergedId: string, survivorId: string): Promise<void> {
    let targets = (await m.query(`SELECT id, dialog_id, channel_id FROM leads WHERE account_id = $1 AND client_id = $2 ORDER BY created_at, id`, [
      accountId,
      survivorId,
    ])) as Array<SurvivorLead | (Omit<SurvivorLead, 'id'> & { id: null })>;
    if (targets.length === 0) {
      targets = (await m.query(`SELECT NULL AS id, id AS dialog_id, channel_id FROM dialogs WHERE account_id = $1 AND client_id = $2 ORDER BY created_at, id`, [
        accountId,
        survivorId,
      ])) as Array<Omit<SurvivorLead, 'id'> & { id: null }>;
    }
    if (targets.length === 0) return;
    await enqueueOutbox(
      m,
      targets.map((t) => ({
        accountId,
        topic: Topics.CrmEvents,
        key: crmEventKey(t.dialog_id),
        envelope: createEnvelope(
          'crm.event',
          { kind: 'client.merged' as const, dialogId: t.dialog_id, clientId: survivorId, mergedClientId: mergedId, ...(t.id ? { leadId: t.id } : {}) },
          { accountId, channelId: t.channel_id },
        ),
      })),
    );
  }

  private async present(accountId: string, clientId: string): Promise<ClientDetailResponse> {
    const [row] = (await this.dataSource.query(`${CLIENT_SELECT} WHERE c.account_id = $1 AND c.id = $2`, [accountId, clientId])) as ClientRow[];
    if (!row) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND);
    const identities = await identitiesOf(this.dataSource, accountId, [row.id]);
    return { ...presentClient(row, identities.get(row.id)), possibleDuplicates: await possibleDuplicatesOf(this.dataSource, accountId, row.id) };
  }
}

/**
 * The survivor keeps what it has; what it lacks comes from the merged client: a name when blank, an email, a phone —
 * and a verified phone of the merged client replaces an unverified one of the survivor (only a verified phone matches
 * senders, DESIGN §7.2, so the merged client's verified number keeps matching after the merge).
 */
async function fillSurvivor(m: EntityManager, accountId: string, survivor: LockedClient, merged: LockedClient): Promise<void> {
  const takePhone = merged.phone_e164 !== null && (survivor.phone_e164 === null || (!survivor.phone_verified && merged.phone_verified));
  await m.query(
    `UPDATE clients SET name = $3, email = $4, phone_e164 = $5, phone_verified = $6, updated_at = now() WHERE account_id = $1 AND id = $2`,
    [
      accountId,
      survivor.id,
      survivor.name.trim() !== '' ? survivor.name : merged.name,
      survivor.email ?? merged.email,
      takePhone ? merged.phone_e164 : survivor.phone_e164,
      takePhone ? merged.phone_verified : survivor.phone_verified,
    ],
  );
}
