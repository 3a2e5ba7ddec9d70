import type { CrmEventData } from '@crm/contracts';
import type { RoutingPreview } from '@crm/routing';
import { waitFor } from '@crm/testing';
import { LeadRoutingHarness, type RoutingToggles } from '../../../../lead-routing/src/testing/lead-routing-harness';
import { startApiBesideLeadRouting, type ApiBesideLeadRouting } from '../testing/api-beside-lead-routing';

// POST /routing/simulate against what lead-routing then really does: the api and lead-routing run in this process on
// one database (real Postgres) and one topic prefix (real Kafka). Each row previews a first message, then sends that
// very message through lead-routing and reads the outcome off the rows and the CRM events it wrote.

type Situation =
  | 'new sender'
  | 'known identity'
  | 'client with the same phone'
  | 'client with an open lead'
  | 'client whose lead is closed'
  | 'client with the same username'
  | 'open dialog with a client'
  | 'closed dialog with a client';
const SITUATIONS: Situation[] = [
  'new sender',
  'known identity',
  'client with the same phone',
  'client with an open lead',
  'client whose lead is closed',
  'client with the same username',
  'open dialog with a client',
  'closed dialog with a client',
];
/** Without channelId the channel is a draft: nothing of it exists yet (no identity, no dialog). */
const DRAFT_SITUATIONS: Situation[] = ['new sender', 'client with the same phone', 'client with an open lead', 'client with the same username'];

interface Row {
  toggles: Required<RoutingToggles>;
  withFunnel: boolean;
  situation: Situation;
  draft: boolean;
}

const ROWS: Row[] = [];
for (let mask = 0; mask < 16; mask++) {
  const toggles = {
    createLeadOnFirstMessage: Boolean(mask & 1),
    findExistingLead: Boolean(mask & 2),
    createClientOnFirstMessage: Boolean(mask & 4),
    autoMatchClient: Boolean(mask & 8),
  };
  for (const withFunnel of [false, true]) {
    for (const situation of SITUATIONS) ROWS.push({ toggles, withFunnel, situation, draft: false });
    for (const situation of DRAFT_SITUATIONS) ROWS.push({ toggles, withFunnel, situation, draft: true });
  }
}

const SENDER = { externalUserId: 'user-1', displayName: 'Иван', username: 'Ivan_P', phone: '8 (900) 123-45-67', phoneVerified: true };

interface Prepared {
  row: Row;
  accountId: string;
  chat: string;
  routing: Record<string, unknown>;
  funnel: { funnelId: string; stageIds: string[] } | null;
  channelId: string | null;
  dialogBefore: string | null;
  preview?: RoutingPreview;
}

describe('POST /routing/simulate: the preview is what lead-routing then does (real Kafka and Postgres)', () => {
  let h: LeadRoutingHarness;
  let api: ApiBesideLeadRouting;
  const simulate = (accountId: string, body: unknown, role: 'admin' | 'agent' = 'admin') =>
    api.request('POST', '/api/v1/routing/simulate', { token: api.token(accountId, role), body });

  beforeAll(async () => {
    h = await LeadRoutingHarness.create({ ROUTING_PARTITION_CONCURRENCY: '6' });
    await h.start();
    api = await startApiBesideLeadRouting(h);
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  /** Row counts of every table of the schema (the outbox included). */
  const tableCounts = async (): Promise<Record<string, number>> => {
    const tables = (await h.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)) as Array<{
      table_name: string;
    }>;
    const out: Record<string, number> = {};
    for (const { table_name } of tables) out[table_name] = await h.count(`SELECT 1 FROM "${table_name}"`);
    return out;
  };

  /** Seeds the row's account as its situation says; a draft row's channel does not exist yet. */
  const prepare = async (row: Row, i: number): Promise<Prepared> => {
    const accountId = await h.account(`simulate ${i}`);
    const funnel = row.withFunnel ? await h.funnel(accountId) : null;
    const routing = { ...row.toggles, funnelId: funnel?.funnelId ?? null, stageId: funnel?.stageIds[1] ?? null };
    const chat = `chat-${i}`;
    const channelId = row.draft ? null : await h.channel({ accountId, ...routing });
    const other = await h.channel({ accountId, name: 'Другой бот' });
    let dialogBefore: string | null = null;
    const s = row.situation;
    if (s === 'known identity') {
      const client = await h.client(accountId, 'Known', null);
      await h.identity(accountId, client, channelId!, 'user-1', { matchRule: 'phone' });
    } else if (s === 'client with the same username') {
      const client = await h.client(accountId, 'Same username', null);
      await h.identity(accountId, client, other, 'someone-else', { username: 'ivan_p' });
    } else if (s === 'open dialog with a client' || s === 'closed dialog with a client') {
      const client = await h.client(accountId, 'In the dialog', null);
      await h.lead(accountId, client, other, 'open');
      const [{ id }] = await h.dataSource.query(
        `INSERT INTO dialogs (account_id, channel_id, external_chat_id, status, client_id, closed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [accountId, channelId, chat, s.startsWith('open') ? 'open' : 'closed', client, s.startsWith('open') ? null : new Date()],
      );
      dialogBefore = id;
    } else if (s !== 'new sender') {
      const client = await h.client(accountId, 'Same phone', '+79001234567');
      if (s === 'client with an open lead') await h.lead(accountId, client, other, 'open');
      if (s === 'client whose lead is closed') await h.lead(accountId, client, other, 'won');
    }
    return { row, accountId, chat, routing, funnel, channelId, dialogBefore };
  };

  /** What lead-routing did with the message, in the preview's terms, read off the dialog, its lead and its CRM events. */
  const actualOutcome = async (p: Prepared, channelId: string): Promise<RoutingPreview> => {
    const [dialog] = (await h.dataSource.query(`SELECT id, client_id, lead_id FROM dialogs WHERE channel_id = $1 AND external_chat_id = $2`, [channelId, p.chat])) as Array<{
      id: string;
      client_id: string | null;
      lead_id: string | null;
    }>;
    const events = (await h.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'crm.events.v1' AND message_key = $1 ORDER BY id`, [dialog.id])).map(
      (r: { payload: { data: CrmEventData } }) => r.payload.data,
    ) as CrmEventData[];
    const find = (kind: string) => events.find((e) => e.kind === kind);
    const opened = find('dialog.opened');
    const created = find('client.created');
    const matched = find('client.matched');
    let client: RoutingPreview['client'] = { action: 'none' };
    if (created) client = { action: 'created', rule: 'created' };
    else if (matched?.matchRule === 'phone' || matched?.matchRule === 'username') client = { action: 'matched', clientId: matched.clientId!, rule: matched.matchRule };
    else if (matched) client = { action: 'linked', clientId: matched.clientId!, rule: 'identity' };
    else if (dialog.client_id) client = { action: 'linked', clientId: dialog.client_id, rule: 'dialog' };
    let lead: RoutingPreview['lead'] = { action: 'none' };
    const linked = find('lead.linked');
    const newLead = find('lead.created');
    if (linked) lead = { action: 'linked', leadId: linked.leadId! };
    else if (newLead) {
      const [row] = await h.dataSource.query(`SELECT funnel_id, stage_id FROM leads WHERE id = $1`, [newLead.leadId]);
      lead = { action: 'created', funnelId: row.funnel_id, stageId: row.stage_id };
    }
    return { dialog: !opened ? 'existing' : p.dialogBefore ? 'reopened' : 'new', client, lead };
  };

  it(`the routing table (16 toggles × funnel or not × sender situations, saved channel or draft: ${ROWS.length} rows): preview = outcome, and the previews wrote nothing`, async () => {
    const prepared = await Promise.all(ROWS.map((row, i) => prepare(row, i)));

    const before = await tableCounts();
    for (const p of prepared) {
      const res = await simulate(p.accountId, {
        channelType: 'telegram',
        ...(p.channelId ? { channelId: p.channelId } : {}),
        externalChatId: p.chat,
        routing: p.routing,
        sender: SENDER,
      });
      expect(res.status).toBe(200);
      p.preview = res.body;
    }
    expect(await tableCounts()).toEqual(before);

    // A draft is saved with the routing it previewed; then the message goes through lead-routing.
    for (const p of prepared) if (!p.channelId) p.channelId = await h.channel({ accountId: p.accountId, ...(p.routing as RoutingToggles) });
    await h.produce(prepared.map((p) => h.inbound(p.accountId, p.channelId!, { externalChatId: p.chat, sender: SENDER })));
    await waitFor(
      async () => (await h.count(`SELECT 1 FROM messages WHERE channel_id = ANY($1) AND direction = 'in'`, [prepared.map((p) => p.channelId)])) >= prepared.length,
      90_000,
      `${prepared.length} routed messages`,
    );

    const failures: string[] = [];
    const seen = new Set<string>();
    for (const p of prepared) {
      const actual = await actualOutcome(p, p.channelId!);
      seen.add(`${actual.dialog}/${actual.client.action}/${actual.lead.action}`);
      if (JSON.stringify(p.preview) !== JSON.stringify(actual)) failures.push(`${JSON.stringify(p.row)}: preview ${JSON.stringify(p.preview)}, lead-routing did ${JSON.stringify(actual)}`);
    }
    expect(failures).toEqual([]);
    // The table exercises every answer of the preview, so agreeing is not agreeing on "none".
    for (const combo of ['new/created/created', 'new/matched/linked', 'new/linked/created', 'reopened/linked/linked', 'existing/linked/none', 'new/none/none', 'new/matched/created']) {
      expect(seen).toContain(combo);
    }
  });

  it('a phone the platform does not vouch for matches nobody in the preview, as in routing', async () => {
    const accountId = await h.account();
    await h.client(accountId, 'Владелец номера', '+79001234567');
    const channelId = await h.channel({ accountId, type: 'widget', name: 'Сайт', autoMatchClient: true, createClientOnFirstMessage: true });
    const res = await simulate(accountId, {
      channelType: 'widget',
      channelId,
      routing: { autoMatchClient: true, createClientOnFirstMessage: true },
      sender: { externalUserId: 'visitor-1', phone: '+7 900 123-45-67' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dialog: 'new', client: { action: 'created', rule: 'created' }, lead: { action: 'none' } });
  });

  it('only the caller\'s account: another account\'s channel, funnel or stage is 404; agents are refused; the body is whitelisted', async () => {
    const mine = await h.account();
    const theirs = await h.account();
    const theirChannel = await h.channel({ accountId: theirs });
    const theirFunnel = await h.funnel(theirs);
    const myFunnel = await h.funnel(mine);
    const base = { channelType: 'telegram', routing: {}, sender: SENDER };

    const foreignChannel = await simulate(mine, { ...base, channelId: theirChannel });
    expect([foreignChannel.status, foreignChannel.body.code]).toEqual([404, 'CHANNEL_NOT_FOUND']);
    const foreignFunnel = await simulate(mine, { ...base, routing: { funnelId: theirFunnel.funnelId } });
    expect([foreignFunnel.status, foreignFunnel.body.code]).toEqual([404, 'FUNNEL_NOT_FOUND']);
    const foreignStage = await simulate(mine, { ...base, routing: { funnelId: myFunnel.funnelId, stageId: theirFunnel.stageIds[0] } });
    expect([foreignStage.status, foreignStage.body.code]).toEqual([404, 'STAGE_NOT_FOUND']);
    const stageOfNoFunnel = await simulate(mine, { ...base, routing: { stageId: myFunnel.stageIds[0] } });
    expect([stageOfNoFunnel.status, stageOfNoFunnel.body.code]).toEqual([400, 'STAGE_NOT_IN_FUNNEL']);

    const unknownField = await simulate(mine, { ...base, sender: { ...SENDER, email: 'a@b.c' } });
    expect([unknownField.status, unknownField.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownTop = await simulate(mine, { ...base, dryRun: true });
    expect([unknownTop.status, unknownTop.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badType = await simulate(mine, { ...base, channelType: 'icq' });
    expect([badType.status, badType.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const myChannel = await h.channel({ accountId: mine });
    const wrongType = await simulate(mine, { ...base, channelType: 'vk', channelId: myChannel });
    expect([wrongType.status, wrongType.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    const agent = await simulate(mine, base, 'agent');
    expect([agent.status, agent.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await simulate(mine, base)).status).toBe(200);
  });
});
