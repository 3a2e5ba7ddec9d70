import { randomUUID } from 'node:crypto';
import { CrmEventData, decodeEnvelope } from '@crm/contracts';
import { readTopic, waitFor } from '@crm/testing';
import { LeadRoutingHarness, type RoutingToggles } from '../testing/lead-routing-harness';
import { RouteInboundMessageCommand } from './route-inbound-message.command';
import { RouteInboundMessageUseCase } from './route-inbound-message.usecase';

// lead-routing through its real consumer, against real Kafka and Postgres.

type Situation = 'new sender' | 'known identity' | 'client with the same phone' | 'client with an open lead' | 'client whose lead is closed';
const SITUATIONS: Situation[] = ['new sender', 'known identity', 'client with the same phone', 'client with an open lead', 'client whose lead is closed'];

interface Row {
  toggles: Required<RoutingToggles>;
  withFunnel: boolean;
  situation: Situation;
}

interface Expected {
  client: 'none' | 'new' | 'existing' | string;
  reason: 'identity' | 'phone' | 'created' | null | string;
  lead: 'none' | 'new' | 'existing' | string;
  stage: 'second stage' | null | string;
}

/** DESIGN §7 as a table, written from the rules' text. */
function expected({ toggles: t, withFunnel, situation }: Row): Expected {
  let client: Expected['client'] = 'none';
  let reason: Expected['reason'] = null;
  if (situation === 'known identity') [client, reason] = ['existing', 'identity'];
  else if (situation !== 'new sender' && t.autoMatchClient) [client, reason] = ['existing', 'phone'];
  else if (t.createClientOnFirstMessage) [client, reason] = ['new', 'created'];
  if (t.findExistingLead && situation === 'client with an open lead' && client === 'existing') return { client, reason, lead: 'existing', stage: null };
  if (t.createLeadOnFirstMessage) return { client, reason, lead: 'new', stage: withFunnel ? 'second stage' : null };
  return { client, reason, lead: 'none', stage: null };
}

const ROWS: Row[] = [];
for (let mask = 0; mask < 16; mask++) {
  const toggles = {
    createLeadOnFirstMessage: Boolean(mask & 1),
    findExistingLead: Boolean(mask & 2),
    createClientOnFirstMessage: Boolean(mask & 4),
    autoMatchClient: Boolean(mask & 8),
  };
  for (const withFunnel of [false, true]) for (const situation of SITUATIONS) ROWS.push({ toggles, withFunnel, situation });
}

const crmEvents = async (h: LeadRoutingHarness, dialogId: string): Promise<CrmEventData[]> =>
  (await h.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'crm.events.v1' AND message_key = $1 ORDER BY id`, [dialogId])).map(
    (r: { payload: { data: CrmEventData } }) => r.payload.data,
  );

describe('lead-routing: routing inbound messages (real Kafka and Postgres)', () => {
  let h: LeadRoutingHarness;

  beforeAll(async () => {
    h = await LeadRoutingHarness.create({ ROUTING_PARTITION_CONCURRENCY: '6' });
    await h.start();
  });
  afterAll(() => h?.close());

  it('the routing table: 4 toggles × funnel or not × 5 sender situations → client, match reason, lead, stage (160 rows)', async () => {
    const prepared = await Promise.all(
      ROWS.map(async (row, i) => {
        const accountId = await h.account(`row ${i}`);
        const funnel = row.withFunnel ? await h.funnel(accountId) : null;
        const channelId = await h.channel({ accountId, ...row.toggles, funnelId: funnel?.funnelId ?? null, stageId: funnel?.stageIds[1] ?? null });
        let existingClient: string | null = null;
        let existingLead: string | null = null;
        if (row.situation === 'known identity') {
          existingClient = await h.client(accountId, 'Known', null);
          await h.identity(accountId, existingClient, channelId, 'user-1', { matchRule: 'phone' });
        } else if (row.situation !== 'new sender') {
          existingClient = await h.client(accountId, 'Same phone', '+79001234567');
          if (row.situation === 'client with an open lead') existingLead = await h.lead(accountId, existingClient, channelId, 'open');
          if (row.situation === 'client whose lead is closed') await h.lead(accountId, existingClient, channelId, 'won');
        }
        // The sender's own number (a verified phone, DESIGN §7.2), in another spelling than the stored E.164.
        const message = h.inbound(accountId, channelId, {
          externalChatId: `chat-${i}`,
          sender: { externalUserId: 'user-1', displayName: 'Иван', phone: '8 (900) 123-45-67', phoneVerified: true },
        });
        return { row, accountId, channelId, funnel, existingClient, existingLead, message };
      }),
    );
    await h.produce(prepared.map((p) => p.message));
    await h.waitForMessages(ROWS.length, 60_000);

    const failures: string[] = [];
    for (const p of prepared) {
      const want = expected(p.row);
      const [dialog] = await h.dataSource.query(`SELECT id, client_id, lead_id, unread_count FROM dialogs WHERE channel_id = $1 AND external_chat_id = $2`, [p.channelId, p.message.envelope.data.externalChatId]);
      const clients = await h.dataSource.query(`SELECT id, name, phone_e164 FROM clients WHERE account_id = $1`, [p.accountId]);
      const identity = (await h.dataSource.query(`SELECT client_id, match_rule FROM client_identities WHERE channel_id = $1 AND external_user_id = 'user-1'`, [p.channelId]))[0];
      const crm = await crmEvents(h, dialog.id);
      const clientEvent = crm.find((e) => e.kind === 'client.created' || e.kind === 'client.matched');
      const leads = await h.dataSource.query(`SELECT id, client_id, funnel_id, stage_id, dialog_id, status FROM leads WHERE account_id = $1 ORDER BY created_at`, [p.accountId]);
      const events = crm.map((e) => e.kind);
      const got: Expected = {
        client: dialog.client_id === null ? 'none' : dialog.client_id === p.existingClient ? 'existing' : 'new',
        // The rule that matched, as recorded on the event (and, for a new identity, on the identity row).
        reason: clientEvent ? (clientEvent.kind === 'client.created' ? 'created' : clientEvent.matchRule!) : null,
        lead: dialog.lead_id === null ? 'none' : dialog.lead_id === p.existingLead ? 'existing' : 'new',
        stage: null,
      };
      const newLead = leads.find((l: { id: string }) => l.id === dialog.lead_id && l.id !== p.existingLead);
      if (newLead) {
        got.stage = newLead.stage_id === null ? null : newLead.stage_id === p.funnel?.stageIds[1] ? 'second stage' : 'other stage';
        if (newLead.funnel_id !== (p.funnel?.funnelId ?? null) || newLead.client_id !== dialog.client_id || newLead.dialog_id !== dialog.id) got.lead = 'new (wrong fields)';
      }
      const identityRule = want.reason === 'identity' ? 'phone' : want.reason; // the seeded identity keeps its rule
      if ((identity?.match_rule ?? null) !== identityRule || (identity && identity.client_id !== dialog.client_id)) got.reason = `identity row ${identity?.match_rule}`;
      if (want.client === 'new' && !(clients.length === (p.existingClient ? 2 : 1) && clients.some((c: { phone_e164: string; name: string }) => c.phone_e164 === '+79001234567' && c.name === 'Иван'))) {
        got.client = 'new (wrong fields)';
      }
      const wantEvents = [
        'dialog.opened',
        ...(want.client === 'new' ? ['client.created'] : want.client === 'existing' ? ['client.matched'] : []),
        ...(want.lead === 'new' ? ['lead.created'] : want.lead === 'existing' ? ['lead.linked'] : []),
        'message.received',
      ];
      if (JSON.stringify(got) !== JSON.stringify(want) || JSON.stringify(events) !== JSON.stringify(wantEvents) || dialog.unread_count !== 1) {
        failures.push(`${JSON.stringify(p.row)}: want ${JSON.stringify(want)} ${wantEvents}, got ${JSON.stringify(got)} ${events} unread=${dialog.unread_count}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a funnel without a stage on the channel puts new leads in its first stage', async () => {
    const accountId = await h.account();
    const { funnelId, stageIds } = await h.funnel(accountId, ['Первый', 'Второй']);
    const channelId = await h.channel({ accountId, createLeadOnFirstMessage: true, funnelId });
    await h.produce([h.inbound(accountId, channelId)]);
    await waitFor(async () => (await h.dataSource.query(`SELECT funnel_id, stage_id FROM leads WHERE channel_id = $1`, [channelId]))[0], 20_000, 'the lead');
    expect(await h.dataSource.query(`SELECT funnel_id, stage_id, title FROM leads WHERE channel_id = $1`, [channelId])).toEqual([
      { funnel_id: funnelId, stage_id: stageIds[0], title: 'Иван Петров — Telegram бот' },
    ]);
  });

  it('matches by username on another channel of the same type, never across types', async () => {
    const accountId = await h.account();
    const oldTelegram = await h.channel({ accountId });
    const client = await h.client(accountId, 'Мария');
    await h.identity(accountId, client, oldTelegram, 'tg-42', { username: 'Maria_K' });
    const telegram = await h.channel({ accountId, autoMatchClient: true, createClientOnFirstMessage: true });
    const vk = await h.channel({ accountId, type: 'vk', name: 'VK', autoMatchClient: true, createClientOnFirstMessage: true });
    await h.produce([
      h.inbound(accountId, telegram, { externalChatId: 'tg', sender: { externalUserId: 'tg-77', username: '@maria_k' } }),
      h.inbound(accountId, vk, { channelType: 'vk', externalChatId: 'vk', sender: { externalUserId: 'vk-1', username: 'maria_k' } }),
    ]);
    await h.waitForMessages(2, 20_000, 'channel_id = ANY($1)', [[telegram, vk]]);
    const identities = await h.dataSource.query(`SELECT channel_id, client_id, match_rule FROM client_identities WHERE channel_id = ANY($1)`, [[telegram, vk]]);
    expect(identities.find((i: { channel_id: string }) => i.channel_id === telegram)).toEqual({ channel_id: telegram, client_id: client, match_rule: 'username' });
    expect(identities.find((i: { channel_id: string }) => i.channel_id === vk)).toMatchObject({ match_rule: 'created' });
    expect(identities.find((i: { channel_id: string }) => i.channel_id === vk).client_id).not.toBe(client);
  });

  it('a redelivered event (three times) is stored once, counted unread once, announced once', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true });
    const message = h.inbound(accountId, channelId, { externalMessageId: 'dup-1' });
    await h.produce([message]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [channelId]);
    await h.produce([message, message]);
    // A later message on the same chat proves the redeliveries were consumed before we look.
    await h.produce([h.inbound(accountId, channelId, { externalMessageId: 'after' })]);
    await h.waitForMessages(2, 20_000, 'channel_id = $1', [channelId]);
    expect(await h.count(`SELECT 1 FROM messages WHERE channel_id = $1 AND external_id = 'dup-1'`, [channelId])).toBe(1);
    const [dialog] = await h.dataSource.query(`SELECT id, unread_count FROM dialogs WHERE channel_id = $1`, [channelId]);
    expect(dialog.unread_count).toBe(2);
    expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [accountId])).toBe(1);
    expect(await h.count(`SELECT 1 FROM leads WHERE account_id = $1`, [accountId])).toBe(1);
    expect((await crmEvents(h, dialog.id)).map((e) => e.kind)).toEqual(['dialog.opened', 'client.created', 'lead.created', 'message.received', 'message.received']);
  });

  it('edits keep the previous text as a revision, deletes mark the message; redelivered edits/deletes change nothing', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId });
    await h.produce([h.inbound(accountId, channelId, { externalMessageId: 'e-1', text: 'v1', sentAt: '2026-03-01T10:00:00.000Z' })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [channelId]);
    const edit = h.inbound(accountId, channelId, { externalMessageId: 'e-1', event: 'edit', text: 'v2', sentAt: '2026-03-01T10:01:00.000Z' });
    const del = h.inbound(accountId, channelId, { externalMessageId: 'e-1', event: 'delete', text: undefined, sentAt: '2026-03-01T10:02:00.000Z' });
    await h.produce([edit, edit, del, del]);
    await waitFor(async () => (await h.dataSource.query(`SELECT deleted_at FROM messages WHERE channel_id = $1`, [channelId]))[0].deleted_at ?? undefined, 20_000, 'the delete');
    const [message] = await h.dataSource.query(`SELECT id, text, edited_at, deleted_at, dialog_id FROM messages WHERE channel_id = $1`, [channelId]);
    expect(message).toMatchObject({ text: 'v2', edited_at: new Date('2026-03-01T10:01:00.000Z'), deleted_at: new Date('2026-03-01T10:02:00.000Z') });
    expect(await h.dataSource.query(`SELECT text, edited_at FROM message_revisions WHERE message_id = $1`, [message.id])).toEqual([
      { text: 'v1', edited_at: new Date('2026-03-01T10:01:00.000Z') },
    ]);
    expect((await crmEvents(h, message.dialog_id)).map((e) => e.kind)).toEqual(['dialog.opened', 'message.received', 'message.edited', 'message.deleted']);
    const [dialog] = await h.dataSource.query(`SELECT unread_count FROM dialogs WHERE id = $1`, [message.dialog_id]);
    expect(dialog.unread_count).toBe(1);
  });

  it('stores text with characters Postgres text cannot hold (NUL) instead of dead-lettering the message', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true });
    await h.produce([h.inbound(accountId, channelId, { text: 'a\u0000b', sender: { externalUserId: 'nul', displayName: 'Ива\u0000н' }, context: { note: 'x\u0000y' } })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [channelId]);
    expect(await h.dataSource.query(`SELECT text, context FROM messages WHERE channel_id = $1`, [channelId])).toEqual([{ text: 'ab', context: { note: 'xy' } }]);
    expect(await h.dataSource.query(`SELECT name FROM clients WHERE account_id = $1`, [accountId])).toEqual([{ name: 'Иван' }]);
  });

  it('a message after the dialog was closed reopens it as a new conversation (new lead when the old one is not open)', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true, findExistingLead: true });
    await h.produce([h.inbound(accountId, channelId, { externalMessageId: 'c-1' })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [channelId]);
    const [first] = await h.dataSource.query(`SELECT id, lead_id, client_id FROM dialogs WHERE channel_id = $1`, [channelId]);
    // The agent wins the deal and closes the dialog (what the API does).
    await h.dataSource.query(`UPDATE leads SET status = 'won' WHERE id = $1`, [first.lead_id]);
    await h.dataSource.query(`UPDATE dialogs SET status = 'closed', closed_at = now() WHERE id = $1`, [first.id]);
    await h.produce([h.inbound(accountId, channelId, { externalMessageId: 'c-2' }), h.inbound(accountId, channelId, { externalMessageId: 'c-3' })]);
    await h.waitForMessages(3, 20_000, 'channel_id = $1', [channelId]);
    const [after] = await h.dataSource.query(`SELECT id, status, closed_at, lead_id, client_id FROM dialogs WHERE channel_id = $1`, [channelId]);
    expect(after).toMatchObject({ id: first.id, status: 'open', closed_at: null, client_id: first.client_id });
    expect(after.lead_id).not.toBe(first.lead_id);
    expect(await h.count(`SELECT 1 FROM leads WHERE account_id = $1`, [accountId])).toBe(2);
    expect((await crmEvents(h, first.id)).map((e) => e.kind)).toEqual([
      'dialog.opened', 'client.created', 'lead.created', 'message.received',
      'dialog.opened', 'lead.created', 'message.received', 'message.received',
    ]);
  });

  it('two first messages with one phone on two channels at the same moment make one client (advisory lock on account+phone)', async () => {
    const accountId = await h.account();
    const toggles = { autoMatchClient: true, createClientOnFirstMessage: true, createLeadOnFirstMessage: true, findExistingLead: true };
    const whatsapp = await h.channel({ accountId, type: 'whatsapp', name: 'WhatsApp', ...toggles });
    const telegram = await h.channel({ accountId, type: 'telegram', ...toggles });
    const useCase = h.service!.app.get(RouteInboundMessageUseCase);
    // Twenty people, each writing to both channels at once: forty transactions racing in pairs on one phone.
    const races = Array.from({ length: 20 }, (_, i) => {
      const phone = `+7900555${String(i).padStart(4, '0')}`;
      const wa = h.inbound(accountId, whatsapp, { channelType: 'whatsapp', externalChatId: `wa-${i}`, sender: { externalUserId: `wa-${i}`, phone: phone.slice(1), phoneVerified: true } });
      const tg = h.inbound(accountId, telegram, { externalChatId: `tg-${i}`, sender: { externalUserId: `tg-${i}`, phone: `8 ${phone.slice(2)}`, phoneVerified: true } });
      return [wa, tg].map((m) => new RouteInboundMessageCommand(m.envelope.id, accountId, m.envelope.channelId!, m.envelope.data));
    });
    await Promise.all(races.map(([a, b]) => Promise.all([useCase.execute([a]), useCase.execute([b])])));
    const perPhone = await h.dataSource.query(`SELECT phone_e164, count(*)::int AS n FROM clients WHERE account_id = $1 GROUP BY 1`, [accountId]);
    expect(perPhone).toHaveLength(20);
    expect(perPhone.every((r: { n: number }) => r.n === 1)).toBe(true);
    const rules = await h.dataSource.query(`SELECT match_rule, count(*)::int AS n FROM client_identities WHERE account_id = $1 GROUP BY 1 ORDER BY 1`, [accountId]);
    expect(rules).toEqual([{ match_rule: 'created', n: 20 }, { match_rule: 'phone', n: 20 }]);
    // …and with findExistingLead the second conversation links the first one's lead: one lead per person.
    expect(await h.count(`SELECT 1 FROM leads WHERE account_id = $1`, [accountId])).toBe(20);
  });

  it('1,000 messages over 50 chats: every dialog holds its messages once, in order', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true });
    const sent = Array.from({ length: 1000 }, (_, i) =>
      h.inbound(accountId, channelId, { externalChatId: `chat-${i % 50}`, externalMessageId: `m-${i}`, text: `${Math.floor(i / 50)}`, sender: { externalUserId: `u-${i % 50}` } }),
    );
    // Chats interleaved, produced in order in ten sends (Kafka keeps the order per key).
    for (let i = 0; i < sent.length; i += 100) await h.produce(sent.slice(i, i + 100));
    await h.waitForMessages(1000, 60_000, 'channel_id = $1', [channelId]);
    const rows = await h.dataSource.query(
      `SELECT d.external_chat_id, array_agg(m.text::int ORDER BY m.id) AS seq, d.unread_count
         FROM messages m JOIN dialogs d ON d.id = m.dialog_id WHERE m.channel_id = $1 GROUP BY d.external_chat_id, d.unread_count`,
      [channelId],
    );
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.seq).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(row.unread_count).toBe(20);
    }
    expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [accountId])).toBe(50);
  });

  it('publishes the CRM events through the outbox to crm.events.v1, keyed by dialog, in order', async () => {
    const accountId = await h.account();
    const channelId = await h.channel({ accountId, createClientOnFirstMessage: true });
    await h.produce([h.inbound(accountId, channelId, { externalChatId: 'published' })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [channelId]);
    const [{ id: dialogId }] = await h.dataSource.query(`SELECT id FROM dialogs WHERE channel_id = $1`, [channelId]);
    const records = await waitFor(async () => {
      const all = await readTopic(h.connection.topic('crm.events.v1'), { timeoutMs: 2000 });
      const mine = all.filter((r) => r.key === dialogId);
      return mine.length >= 3 ? mine : undefined;
    }, 20_000, 'the events on Kafka');
    const decoded = records.map((r) => decodeEnvelope(r.value, CrmEventData));
    expect(decoded.map((e) => e.data.kind)).toEqual(['dialog.opened', 'client.created', 'message.received']);
    expect(decoded.every((e) => e.accountId === accountId && e.channelId === channelId)).toBe(true);
    expect(records[0].headers['x-event-type']).toBe('crm.event');
  });

  it('dead-letters events of unknown, deleted or foreign channels and schema-invalid values; the rest of the chat goes on', async () => {
    const accountId = await h.account();
    const other = await h.account();
    const channelId = await h.channel({ accountId });
    const deleted = await h.channel({ accountId, name: 'deleted' });
    await h.dataSource.query(`UPDATE channels SET deleted_at = now() WHERE id = $1`, [deleted]);
    const unknown = randomUUID();
    const poison = [
      h.inbound(accountId, unknown, { externalMessageId: 'p-unknown' }),
      h.inbound(accountId, deleted, { externalMessageId: 'p-deleted' }),
      h.inbound(other, channelId, { externalMessageId: 'p-foreign' }),
      h.inbound(accountId, channelId, { externalMessageId: 'p-type', channelType: 'vk' }),
    ];
    await h.produce([h.inbound(accountId, channelId, { externalMessageId: 'ok-1' }), ...poison, h.inbound(accountId, channelId, { externalMessageId: 'ok-2' })]);
    await h.producer.send('channels.inbound.v1', [{ key: `${channelId}:chat-1`, value: JSON.stringify({ not: 'an envelope' }) }]);
    await h.waitForMessages(2, 30_000, 'channel_id = $1', [channelId]);
    const dlq = await readTopic(h.connection.dlqTopic('channels.inbound.v1'), { expect: 5, timeoutMs: 30_000 });
    const records = dlq.map((r) => JSON.parse(r.value!.toString()) as { error: { code: string }; attempts: number });
    expect(records.map((r) => r.error.code).sort()).toEqual(['CHANNEL_NOT_FOUND', 'CHANNEL_NOT_FOUND', 'CHANNEL_NOT_FOUND', 'SCHEMA_INVALID', 'VALIDATION_FAILED']);
    expect(await h.count(`SELECT 1 FROM messages WHERE external_id LIKE 'p-%'`)).toBe(0);
    expect((await h.dataSource.query(`SELECT external_id FROM messages WHERE channel_id = $1 ORDER BY id`, [channelId])).map((r: { external_id: string }) => r.external_id)).toEqual(['ok-1', 'ok-2']);
  });
});
