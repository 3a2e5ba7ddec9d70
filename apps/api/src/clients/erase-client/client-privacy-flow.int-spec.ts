import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { chatKey, createEnvelope, encodeEnvelope, InboundMessageData, Topics } from '@crm/contracts';
import type { EventProducer } from '@crm/messaging';
import { startService, type RunningService } from '@crm/service-kit';
import { captureLogs, jsonRequest, waitFor } from '@crm/testing';
import { type ApiHarness, startApiHarness } from '../../testing/api-test-harness';
import { testProducer } from '../../testing/flow-helpers';
import { leadRoutingService } from '../../../../lead-routing/src/lead-routing.service-definition';
// The widget connector, in this process on the same database and topics (the visitor side of the flow).
import { connectorWidgetService } from '../../../../connector-widget/src/connector-widget.service-definition';

interface Person {
  visitorId: string;
  name: string;
  username: string;
  phone: string;
  texts: string[];
}

const person = (label: string): Person => {
  const tag = randomUUID().slice(0, 8);
  return {
    visitorId: `visitor-${label}-${tag}`,
    name: `Имя${label}${tag}`,
    username: `user_${label.toLowerCase()}_${tag}`,
    phone: `+7900${String(Math.floor(1e7 * Math.random())).padStart(7, '0')}`,
    texts: [`Первое сообщение ${label} ${tag}`, `Второе сообщение ${label} ${tag}`, `Третье ${label} ${tag} про торт`],
  };
};

/** Every text/varchar/json(b) column of every table of the public schema (information_schema: nothing is left out). */
async function textColumns(db: Pick<DataSource, 'query'>): Promise<Array<{ table_name: string; column_name: string }>> {
  return db.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
      ORDER BY table_name, column_name`,
  );
}

// DESIGN §4 GET /clients/:id/export, DELETE /clients/:id, GET /audit — over the real flow: widget messages on Kafka,
// lead-routing creates clients, dialogs, leads and messages in Postgres.
describe('client export and erasure (api + lead-routing, real Kafka and Postgres)', () => {
  let api: ApiHarness;
  let routing: RunningService<never>;
  let routingLogs: string[];
  let producer: EventProducer;
  let accountId: string;
  let admin: string;
  let channelId: string;
  const alice = person('A');
  const bob = person('B');
  const reply = `Ответ оператора ${randomUUID().slice(0, 8)}`;

  const call = (method: string, path: string, token = admin, body?: unknown) => api.request(method, `/api/v1${path}`, { token, body });

  const writes = async (p: Person, text: string): Promise<string> => {
    const data = {
      channelType: 'widget',
      externalMessageId: randomUUID(),
      externalChatId: p.visitorId,
      sender: { externalUserId: p.visitorId, displayName: p.name, username: p.username, phone: p.phone },
      kind: 'text',
      text,
      attachments: [],
      event: 'new',
      sentAt: new Date().toISOString(),
    } as InboundMessageData;
    const envelope = createEnvelope('message.inbound', data, { accountId, channelId });
    await producer.send(Topics.ChannelsInbound, [{ key: chatKey(channelId, p.visitorId), value: encodeEnvelope(envelope) }]);
    return data.externalMessageId;
  };
  const routed = (externalMessageId: string) =>
    waitFor(async () => {
      const [row] = await api.dataSource.query(
        `SELECT d.id AS dialog_id, d.client_id, d.lead_id FROM messages m JOIN dialogs d ON d.id = m.dialog_id WHERE m.external_id = $1`,
        [externalMessageId],
      );
      return row as { dialog_id: string; client_id: string; lead_id: string } | undefined;
    }, 20_000, `message ${externalMessageId} routed`);

  const conversation = async (p: Person) => {
    let last: { dialog_id: string; client_id: string; lead_id: string } | undefined;
    for (const text of p.texts) last = await routed(await writes(p, text));
    return last!;
  };

  /** Columns (table.column) in which one of the needles still occurs, over the whole database. */
  const findEverywhere = async (needles: string[]): Promise<string[]> => {
    const found: string[] = [];
    for (const { table_name, column_name } of await textColumns(api.dataSource)) {
      const [row] = await api.dataSource.query(
        `SELECT count(*)::int AS n FROM "${table_name}" t
          WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS x(needle) WHERE strpos(t."${column_name}"::text, x.needle) > 0)`,
        [needles],
      );
      if (row.n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  };

  beforeAll(async () => {
    api = await startApiHarness();
    const capture = captureLogs();
    routingLogs = capture.lines;
    routing = (await startService(leadRoutingService as never, {
      env: { ...api.env, PORT: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', ROUTING_CHANNEL_CACHE_TTL_MS: '0', LOG_LEVEL: 'debug' },
      handleSignals: false,
      logDestination: capture.destination,
    })) as RunningService<never>;
    producer = await testProducer(api.env.KAFKA_TOPIC_PREFIX!, 'privacy-test');
    accountId = await api.createAccount('Кофейня');
    admin = api.token(accountId, 'admin');
    const channel = await call('POST', '/channels', admin, {
      name: 'Виджет',
      type: 'widget',
      routing: { funnelId: null, stageId: null, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: false },
      settings: { allowedOrigins: ['https://coffee.example'] },
    });
    expect(channel.status).toBe(201);
    channelId = channel.body.id;
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await routing?.close();
    await api?.close();
  });

  it('exports every dialog and message of the client and nothing of another; erases them everywhere; a new message starts a new client', async () => {
    const a = await conversation(alice);
    const b = await conversation(bob);
    expect(a.client_id).not.toBe(b.client_id);
    // A second conversation of Alice (a second dialog row is impossible for one chat; a closed one reopens it).
    const replyKey = `reply-key-${randomUUID()}`;
    const sent = await api.request('POST', `/api/v1/dialogs/${a.dialog_id}/messages`, { token: admin, body: { text: reply }, headers: { 'idempotency-key': replyKey } });
    expect(sent.status).toBe(201);
    expect((await api.dataSource.query(`SELECT count(*)::int AS n FROM reply_requests WHERE message_id = $1`, [sent.body.id]))[0].n).toBe(1);

    // Export: admin only, 404 for another account, everything of Alice and nothing of Bob.
    expect((await call('GET', `/clients/${a.client_id}/export`, api.token(accountId, 'agent'))).status).toBe(403);
    const otherAccount = await api.createAccount();
    expect((await call('GET', `/clients/${a.client_id}/export`, api.token(otherAccount, 'admin'))).status).toBe(404);
    const exported = await call('GET', `/clients/${a.client_id}/export`);
    expect(exported.status).toBe(200);
    const doc = exported.body;
    expect(doc.client).toMatchObject({ id: a.client_id, name: alice.name });
    expect(doc.identities).toEqual([expect.objectContaining({ externalUserId: alice.visitorId, username: alice.username })]);
    expect(doc.dialogs.map((d: { id: string }) => d.id)).toEqual([a.dialog_id]);
    expect(doc.dialogs[0].messages.map((m: { text: string }) => m.text)).toEqual([...alice.texts, reply]);
    expect(doc.leads.map((l: { id: string }) => l.id)).toEqual([a.lead_id]);
    expect(JSON.stringify(doc)).not.toContain(bob.name);
    for (const t of bob.texts) expect(JSON.stringify(doc)).not.toContain(t);

    // Erase: admin only, then everything of Alice is gone from every column of every table; Bob's data is untouched.
    expect((await call('DELETE', `/clients/${a.client_id}`, api.token(accountId, 'agent'))).status).toBe(403);
    const erased = await call('DELETE', `/clients/${a.client_id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ clientId: a.client_id, dialogs: 1, messages: 4, leads: 1, identities: 1 });
    const aliceData = [alice.name, alice.username, alice.phone, alice.visitorId, reply, replyKey, ...alice.texts];
    expect(await findEverywhere(aliceData)).toEqual([]);
    expect((await findEverywhere([bob.name, ...bob.texts])).length).toBeGreaterThan(0);
    expect((await call('GET', `/clients/${a.client_id}`)).status).toBe(404);
    expect((await call('DELETE', `/clients/${a.client_id}`)).status).toBe(404);
    // Anonymous counts remain: the dialog, its messages and the lead, without a client.
    const [left] = await api.dataSource.query(
      `SELECT (SELECT count(*)::int FROM messages WHERE dialog_id = $1) AS messages, (SELECT client_id FROM leads WHERE id = $2) AS lead_client`,
      [a.dialog_id, a.lead_id],
    );
    expect(left).toEqual({ messages: 4, lead_client: null });

    // client.erased went out through the outbox, with ids only.
    const events = await api.dataSource.query(`SELECT payload FROM outbox WHERE payload->'data'->>'kind' = 'client.erased'`);
    expect(events.map((e: { payload: { data: unknown } }) => e.payload.data)).toEqual([{ kind: 'client.erased', dialogId: a.dialog_id, clientId: a.client_id, leadId: a.lead_id }]);

    // The audit log has the export and the erasure.
    const audit = await call('GET', `/audit?entityId=${a.client_id}`);
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual(['client.erased', 'client.exported']);

    // The same sender writes again: a new client, a new dialog, a new lead — nothing relinked.
    const again = await routed(await writes(alice, `Снова я ${randomUUID()}`));
    expect(again.client_id).not.toBe(a.client_id);
    expect(again.dialog_id).not.toBe(a.dialog_id);
    expect(again.lead_id).not.toBe(a.lead_id);
    expect(again.client_id).toEqual(expect.any(String));
  }, 120_000);

  it('a visitor writing through connector-widget and an agent replying: no text or name in the logs of any service', async () => {
    const widgetCapture = captureLogs();
    const widget = await startService(connectorWidgetService as never, {
      env: { ...api.env, PORT: '0', LOG_LEVEL: 'debug' },
      handleSignals: false,
      logDestination: widgetCapture.destination,
    });
    try {
      const origin = 'https://coffee.example';
      const [{ public_key: key }] = await api.dataSource.query(`SELECT public_key FROM channels WHERE id = $1`, [channelId]);
      const widgetCall = (path: string, body: unknown, token?: string) => jsonRequest(widget.url, 'POST', `/widget/v1/${key}${path}`, { body, token, headers: { origin } });
      const visitorName = `Посетитель${randomUUID().slice(0, 6)}`;
      // The connector learns about the channel from channels.config.v1.
      const session = await waitFor(async () => {
        const res = await widgetCall('/session', { profile: { name: visitorName } });
        return res.status === 200 ? (res.body as { token: string; visitorId: string }) : undefined;
      }, 20_000, 'widget session');
      const texts = [`Виджет вопрос ${randomUUID()}`, `Виджет уточнение ${randomUUID()}`];
      for (const text of texts) expect((await widgetCall('/messages', { clientMessageId: randomUUID(), text }, session.token)).status).toBe(201);
      const dialog = await waitFor(async () => {
        const [row] = await api.dataSource.query(`SELECT dialog_id FROM messages WHERE text = $1`, [texts[1]]);
        return row as { dialog_id: string } | undefined;
      }, 20_000, 'widget messages routed');
      const answer = `Виджет ответ ${randomUUID()}`;
      const sent = await call('POST', `/dialogs/${dialog.dialog_id}/messages`, admin, { text: answer });
      expect(sent.status).toBe(201);
      await waitFor(async () => {
        const [row] = await api.dataSource.query(`SELECT status FROM messages WHERE id = $1`, [sent.body.id]);
        return row?.status !== 'queued';
      }, 20_000, 'reply delivered to the widget');

      const logs = { api: api.logs, leadRouting: routingLogs, widget: widgetCapture.lines };
      expect(Object.values(logs).every((lines) => lines.length > 0)).toBe(true);
      const secrets = [...texts, answer, visitorName];
      const leaked = Object.entries(logs).flatMap(([service, lines]) => lines.filter((l) => secrets.some((t) => l.includes(t))).map((l) => `${service}: ${l}`));
      expect(leaked).toEqual([]);
    } finally {
      await widget.close();
    }
  }, 90_000);

  it('message texts never appear in the logs of the api or lead-routing', async () => {
    expect(api.logs.length).toBeGreaterThan(0);
    expect(routingLogs.length).toBeGreaterThan(0);
    const texts = [...alice.texts, ...bob.texts, reply];
    const leaked = [...api.logs, ...routingLogs].filter((line) => texts.some((t) => line.includes(t)));
    expect(leaked).toEqual([]);
  });
});
