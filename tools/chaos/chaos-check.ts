// What a chaos scenario must leave behind, checked against the database and the fake CRM: every message that got a
// 2xx stored exactly once, in order per chat, one dialog, one client and one lead per conversation, and each lead and
// each message forwarded to the CRM exactly once.
import { Pool } from 'pg';
import { messageMarker } from '@crm/crm-port';
import type { FakeBitrix24Server } from '@crm/testing';
import type { AckedMessage } from './chaos-load';

export interface ScenarioFigures {
  acked: number;
  stored: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  /** Conversations (chats) with more than one dialog, client or lead, or none. */
  badConversations: number;
  /** Messages and leads that reached the CRM exactly once / more than once / not yet. */
  forwarded: number;
  forwardedTwice: number;
  notForwarded: number;
  examples: string[];
}

interface StoredRow {
  id: string;
  text: string;
  dialog_id: string;
  client_id: string | null;
  lead_id: string | null;
  created_at: Date;
  leads_of_dialog: number;
}

/** `chaos <scenario>-<i> <type> #<seq>` → `<scenario>-<i> <type>`: one chat of one channel. */
const conversationOf = (text: string) => text.split(' ').slice(1, 3).join(' ');
const seqOf = (text: string) => Number(text.slice(text.lastIndexOf('#') + 1));

/** Messages of the scenario as lead-routing stored them (texts start with `chaos <scenario>-`). */
async function storedRows(db: Pool, accountId: string, scenario: string): Promise<StoredRow[]> {
  const { rows } = await db.query<StoredRow>(
    `SELECT m.id, m.text, m.dialog_id, d.client_id, d.lead_id, m.created_at,
            (SELECT count(*)::int FROM leads l WHERE l.dialog_id = d.id AND l.account_id = $1) AS leads_of_dialog
       FROM messages m JOIN dialogs d ON d.id = m.dialog_id AND d.account_id = $1
      WHERE m.account_id = $1 AND m.direction = 'in' AND m.text LIKE $2`,
    [accountId, `chaos ${scenario}-%`],
  );
  return rows;
}

/** Waits until every acknowledged message is stored (or `timeoutMs` passes), then measures. */
export async function checkScenario(
  db: Pool,
  crm: FakeBitrix24Server,
  input: { accountId: string; scenario: string; acked: AckedMessage[]; timeoutMs: number },
): Promise<ScenarioFigures> {
  const ackedTexts = new Set(input.acked.map((m) => m.text));
  const deadline = Date.now() + input.timeoutMs;
  let rows = await storedRows(db, input.accountId, input.scenario);
  while (Date.now() < deadline && [...ackedTexts].some((t) => !rows.some((r) => r.text === t))) {
    await new Promise((r) => setTimeout(r, 500));
    rows = await storedRows(db, input.accountId, input.scenario);
  }
  const examples: string[] = [];
  const note = (line: string) => examples.length < 8 && examples.push(line);
  const byText = new Map<string, StoredRow[]>();
  for (const row of rows) byText.set(row.text, [...(byText.get(row.text) ?? []), row]);
  const missing = [...ackedTexts].filter((t) => !byText.has(t));
  missing.slice(0, 3).forEach((t) => note(`missing: ${t}`));
  const duplicates = [...byText.values()].filter((list) => list.length > 1);
  duplicates.slice(0, 3).forEach((list) => note(`stored ${list.length}×: ${list[0].text}`));
  const outOfOrder = countOutOfOrder(rows, note);
  const badConversations = countBadConversations(rows, note);
  const forwarding = await waitForwarded(crm, rows, deadline);
  if (forwarding.unforwarded.length > 0) await noteSyncStates(db, input.accountId, forwarding.unforwarded, note);
  return {
    acked: ackedTexts.size,
    stored: byText.size,
    missing: missing.length,
    duplicates: duplicates.length,
    outOfOrder,
    badConversations,
    forwarded: forwarding.forwarded,
    forwardedTwice: forwarding.forwardedTwice,
    notForwarded: forwarding.notForwarded,
    examples,
  };
}

/** Pairs of a chat's messages stored in the opposite order of their sequence (rows of one transaction tie). */
function countOutOfOrder(rows: StoredRow[], note: (line: string) => void): number {
  const byChat = new Map<string, StoredRow[]>();
  for (const row of rows) byChat.set(conversationOf(row.text), [...(byChat.get(conversationOf(row.text)) ?? []), row]);
  let inversions = 0;
  for (const list of byChat.values()) {
    const sorted = [...list].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || seqOf(a.text) - seqOf(b.text));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].created_at.getTime() > sorted[i - 1].created_at.getTime() && seqOf(sorted[i].text) < seqOf(sorted[i - 1].text)) {
        inversions++;
        note(`out of order: ${sorted[i - 1].text} stored before ${sorted[i].text}`);
      }
    }
  }
  return inversions;
}

/** A conversation (one chat) must have one dialog, with one client and one lead. */
function countBadConversations(rows: StoredRow[], note: (line: string) => void): number {
  const byChat = new Map<string, StoredRow[]>();
  for (const row of rows) byChat.set(conversationOf(row.text), [...(byChat.get(conversationOf(row.text)) ?? []), row]);
  let bad = 0;
  for (const [chat, list] of byChat) {
    const dialogs = new Set(list.map((r) => r.dialog_id));
    const first = list[0];
    if (dialogs.size !== 1 || !first.client_id || !first.lead_id || first.leads_of_dialog !== 1) {
      bad++;
      note(`conversation ${chat}: ${dialogs.size} dialogs, client ${first.client_id ?? 'none'}, ${first.leads_of_dialog} leads`);
    }
  }
  return bad;
}

/** Each stored message's comment and each lead in the fake CRM: exactly once, waiting for the backlog until `deadline`. */
async function waitForwarded(
  crm: FakeBitrix24Server,
  rows: StoredRow[],
  deadline: number,
): Promise<Pick<ScenarioFigures, 'forwarded' | 'forwardedTwice' | 'notForwarded'> & { unforwarded: string[] }> {
  const leadIds = [...new Set(rows.map((r) => r.lead_id).filter((id): id is string => id !== null))];
  // One pass over the CRM per count: the fake answers the integrations service from this same event loop, so a scan of
  // every comment per stored message (tens of thousands each) would hold its answers past the client's timeout.
  const count = () => {
    const perMarker = tally([...crm.portal.comments.values()].flatMap((c) => [...new Set(c.COMMENT.match(MARKERS) ?? [])]));
    const perOrigin = tally([...crm.portal.leads.values()].map((l) => l.ORIGIN_ID).filter((o): o is string => !!o));
    const perMessage = rows.map((r) => perMarker.get(messageMarker(r.id)) ?? 0);
    const perLead = leadIds.map((id) => perOrigin.get(id) ?? 0);
    const all = [...perMessage, ...perLead];
    const ids = [...rows.map((r) => r.id), ...leadIds];
    const unforwarded = ids.filter((_, i) => all[i] === 0);
    return { forwarded: all.filter((n) => n === 1).length, forwardedTwice: all.filter((n) => n > 1).length, notForwarded: unforwarded.length, unforwarded };
  };
  let figures = count();
  while (figures.notForwarded > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    figures = count();
  }
  return figures;
}

/** Every marker of our ids in a comment's text (messageMarker's format, whatever the id). */
const MARKERS = (() => {
  const [prefix, suffix] = messageMarker('\u0000').split('\u0000');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escape(prefix)}[^\\s${escape(suffix)}]+${escape(suffix)}`, 'g');
})();

function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Why records did not reach the CRM: their sync jobs' state, attempts and last error. */
async function noteSyncStates(db: Pool, accountId: string, entityIds: string[], note: (line: string) => void): Promise<void> {
  const { rows } = await db.query<{ entity_type: string; entity_id: string; state: string; attempts: number; last_error: string | null }>(
    `SELECT entity_type, entity_id, state, attempts, last_error FROM integration_sync_jobs WHERE account_id = $1 AND entity_id = ANY($2::uuid[])`,
    [accountId, entityIds.slice(0, 20)],
  );
  const found = new Set(rows.map((r) => r.entity_id));
  for (const id of entityIds.slice(0, 3)) if (!found.has(id)) note(`not forwarded: ${id} has no sync job`);
  for (const r of rows.slice(0, 3)) note(`not forwarded: ${r.entity_type} ${r.entity_id} ${r.state} after ${r.attempts} attempts${r.last_error ? ` (${r.last_error})` : ''}`);
}
