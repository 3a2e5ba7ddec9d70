import { createHash, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { createEnvelope, encodeEnvelope, Topics } from '@crm/contracts';
import type { EventProducer } from '@crm/messaging';
import type { RunningService } from '@crm/service-kit';
import { jsonRequest, waitFor } from '@crm/testing';
import type { ApiConfig } from '../config/api.config';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';
import { startApiInstance, testProducer } from '../testing/flow-helpers';
import { SseReader, type SseOpenOptions } from './testing/sse-reader';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// DESIGN §4 GET /events: tickets for EventSource, ids from a durable sequence, replay on reconnect, end at JWT expiry.
describe('live events: tickets, durable ids and replay across api instances (real Kafka and Postgres)', () => {
  let api: ApiHarness;
  let second: RunningService<ApiConfig>;
  let producer: EventProducer;
  let accountA: string;
  let accountB: string;
  let agentA: string;
  let agentB: string;
  let oldRow: string;
  let recentRow: string;
  const readers: SseReader[] = [];

  const open = async (url: string, options: SseOpenOptions) => {
    const reader = await SseReader.open(url, options);
    readers.push(reader);
    return reader;
  };
  const ticketOf = async (token: string, url = api.url) => {
    const res = await jsonRequest(url, 'POST', '/api/v1/events/tickets', { token });
    expect(res.status).toBe(201);
    return res.body as { ticket: string; expiresAt: string };
  };
  const tokenWith = (accountId: string, claims: Record<string, unknown>) =>
    sign({ sub: 'user-1', accountId, role: 'agent', ...claims }, api.env.AUTH_JWT_SECRET!, { algorithm: 'HS256' });
  /**
   * A CRM event of the account as lead-routing would publish it; returns its dialog id (what the tests follow). Keyed by
   * account here, so one account's events keep their order (one partition).
   */
  const publish = async (accountId: string, envelope = createEnvelope('crm.event', { kind: 'dialog.opened', dialogId: randomUUID() }, { accountId })) => {
    await producer.send(Topics.CrmEvents, [{ key: accountId, value: encodeEnvelope(envelope) }]);
    return envelope.data.dialogId;
  };
  const dialogsOf = (reader: SseReader) => reader.events.map((e) => e.data.dialogId as string);
  const recorded = (dialogId: string) =>
    waitFor(async () => (await api.dataSource.query(`SELECT id::text FROM live_events WHERE data->>'dialogId' = $1`, [dialogId]))[0]?.id as string | undefined, 20_000, `event ${dialogId} recorded`);

  beforeAll(async () => {
    api = await startApiHarness();
    accountA = await api.createAccount('A');
    accountB = await api.createAccount('B');
    agentA = api.token(accountA, 'agent');
    agentB = api.token(accountB, 'agent');
    // Kept events of account A from before: one older than the retention window (1 h), one 11 minutes old.
    [{ id: oldRow }] = await api.dataSource.query(
      `INSERT INTO live_events (account_id, source_id, type, data, created_at) VALUES ($1, $2, 'dialog.opened', $3, now() - interval '2 hours') RETURNING id::text`,
      [accountA, randomUUID(), { dialogId: 'old' }],
    );
    [{ id: recentRow }] = await api.dataSource.query(
      `INSERT INTO live_events (account_id, source_id, type, data, created_at) VALUES ($1, $2, 'dialog.opened', $3, now() - interval '11 minutes') RETURNING id::text`,
      [accountA, randomUUID(), { dialogId: 'recent' }],
    );
    // A second api instance on the same database and topics: they share the recording consumer group.
    second = await startApiInstance(api.env);
    producer = await testProducer(api.env.KAFKA_TOPIC_PREFIX!, 'events-test');
    // Recording is live once a probe comes back (the group starts at the end of the topics).
    const probe = await open(api.url, { token: agentB });
    await waitFor(async () => {
      const id = await publish(accountB);
      await sleep(400);
      return probe.events.some((e) => e.data.dialogId === id);
    }, 30_000, 'the live events consumer to record');
  }, 90_000);

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await producer?.disconnect();
    await second?.close();
    await api?.close();
  });

  it('keeps at least the last 10 minutes and drops what is older than the retention window', async () => {
    const rows = await api.dataSource.query(`SELECT id::text FROM live_events WHERE id = ANY($1::bigint[])`, [[oldRow, recentRow]]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([recentRow]);
  });

  it('a ticket opens the stream without a header, once, on any instance, and is valid 60 s', async () => {
    const before = Date.now();
    const { ticket, expiresAt } = await ticketOf(agentA);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Math.abs(Date.parse(expiresAt) - before - 60_000)).toBeLessThan(5_000);
    // Only its digest is stored.
    expect(await api.dataSource.query(`SELECT 1 FROM event_tickets WHERE ticket_hash = $1`, [ticket])).toEqual([]);
    expect(await api.dataSource.query(`SELECT account_id, role FROM event_tickets WHERE ticket_hash = $1`, [createHash('sha256').update(ticket).digest('hex')])).toEqual([
      { account_id: accountA, role: 'agent' },
    ]);

    // Issued by one instance, redeemed by the other.
    const stream = await open(second.url, { ticket });
    expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const dialogId = await publish(accountA);
    const event = await stream.next((e) => e.data.dialogId === dialogId, 20_000, 'the event through the ticket stream');
    expect(event).toMatchObject({ event: 'dialog.opened', id: expect.stringMatching(/^\d+$/) });

    for (const url of [api.url, second.url]) {
      const again = await open(url, { ticket });
      expect([again.status, again.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    }
  });

  it('two uses of one ticket at once on two instances: exactly one opens the stream', async () => {
    const { ticket } = await ticketOf(agentA);
    const both = await Promise.all([open(api.url, { ticket }), open(second.url, { ticket })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('an expired ticket, an unknown one, or a malformed one is refused with 401', async () => {
    const { ticket } = await ticketOf(agentA);
    await api.dataSource.query(`UPDATE event_tickets SET expires_at = now() - interval '1 second' WHERE ticket_hash = $1`, [createHash('sha256').update(ticket).digest('hex')]);
    for (const t of [ticket, 'A'.repeat(43), 'short', '']) {
      const refused = await open(api.url, { ticket: t });
      expect([t, refused.status, refused.error?.code]).toEqual([t, 401, 'UNAUTHORIZED']);
    }
  });

  it('a ticket streams the account it was issued to, whatever else the request carries', async () => {
    const { ticket } = await ticketOf(agentA);
    // The ticket is the credential: another account's header does not change whose events flow.
    const stream = await open(api.url, { ticket, token: agentB });
    expect(stream.status).toBe(200);
    const ofB = await publish(accountB);
    const ofA = await publish(accountA);
    await stream.next((e) => e.data.dialogId === ofA, 20_000, 'the event of A');
    await recorded(ofB);
    await sleep(300);
    expect(dialogsOf(stream)).not.toContain(ofB);
    // Replaying from the very start gives only the ticket account's events.
    const replay = await open(api.url, { ticket: (await ticketOf(agentA)).ticket, lastEventId: '0' });
    await replay.next((e) => e.data.dialogId === ofA, 20_000, 'the replayed event of A');
    const accounts = await api.dataSource.query(`SELECT DISTINCT account_id FROM live_events WHERE id = ANY($1::bigint[])`, [replay.events.map((e) => e.id)]);
    expect(accounts).toEqual([{ account_id: accountA }]);
    expect(replay.events[0]).toMatchObject({ id: recentRow, data: { dialogId: 'recent' } });
  });

  it('a reconnect on the other instance gets exactly what it missed, once, then live events (Last-Event-ID header or ?lastEventId=)', async () => {
    const first = await open(api.url, { token: agentA });
    const seen = [await publish(accountA), await publish(accountA)];
    await first.next((e) => e.data.dialogId === seen[1], 20_000, 'the second event');
    const lastId = first.events.find((e) => e.data.dialogId === seen[1])!.id!;
    await first.close();

    const missed = [await publish(accountA), await publish(accountA), await publish(accountA)];
    await recorded(missed[2]);
    // The same envelope delivered twice (a producer retry) is one event.
    const duplicate = createEnvelope('crm.event', { kind: 'dialog.opened' as const, dialogId: randomUUID() }, { accountId: accountA });
    await publish(accountA, duplicate);
    await publish(accountA, duplicate);
    missed.push(duplicate.data.dialogId);
    await recorded(duplicate.data.dialogId);

    const byHeader = await open(second.url, { token: agentA, lastEventIdHeader: lastId });
    const byTicket = await open(api.url, { ticket: (await ticketOf(agentA, second.url)).ticket, lastEventId: lastId });
    const live = await publish(accountA);
    for (const reader of [byHeader, byTicket]) {
      await reader.next((e) => e.data.dialogId === live, 20_000, 'the live event after the replay');
      await sleep(300);
      expect(dialogsOf(reader)).toEqual([...missed, live]);
      const ids = reader.events.map((e) => BigInt(e.id!));
      expect(ids.every((id, i) => id > BigInt(lastId) && (i === 0 || id > ids[i - 1]))).toBe(true);
    }
    expect(await api.dataSource.query(`SELECT count(*)::int AS n FROM live_events WHERE source_id = $1`, [duplicate.id])).toEqual([{ n: 1 }]);
    // A position that is not an event id is a validation error.
    expect((await open(api.url, { token: agentA, lastEventId: 'abc' })).status).toBe(400);
  });

  it('records an event whose text carries a NUL character (Postgres jsonb refuses it) without it', async () => {
    const stream = await open(api.url, { token: agentA });
    const envelope = createEnvelope('crm.event', { kind: 'message.status' as const, dialogId: randomUUID(), messageId: randomUUID(), status: 'failed' as const, errorCode: 'VK\u0000PRIVACY' }, { accountId: accountA });
    await publish(accountA, envelope);
    const event = await stream.next((e) => e.data.dialogId === envelope.data.dialogId, 20_000, 'the event with a NUL');
    expect(event.data).toMatchObject({ messageId: envelope.data.messageId, status: 'failed', errorCode: 'VKPRIVACY' });
  });

  it('the stream ends when the JWT behind it expires — behind the header or behind the ticket', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3;
    const token = tokenWith(accountA, { exp });
    const { ticket, expiresAt } = await ticketOf(token);
    // A ticket never outlives its token.
    expect(Date.parse(expiresAt)).toBe(exp * 1000);
    const [byHeader, byTicket] = await Promise.all([open(api.url, { token }), open(second.url, { ticket })]);
    expect([byHeader.status, byTicket.status]).toEqual([200, 200]);
    await waitFor(() => byHeader.endedAt && byTicket.endedAt, 8_000, 'both streams to end');
    for (const reader of [byHeader, byTicket]) {
      expect(reader.endedAt!).toBeGreaterThanOrEqual(exp * 1000 - 50);
      expect(reader.endedAt!).toBeLessThan(exp * 1000 + 1_500);
    }
  });

  it('a ticket issued by a token that has expired since is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const { ticket } = await ticketOf(tokenWith(accountA, { exp }));
    await sleep(exp * 1000 - Date.now() + 100);
    expect((await open(api.url, { ticket })).status).toBe(401);
  });

  it('refuses a JWT without exp everywhere (401)', async () => {
    const forever = tokenWith(accountA, {});
    for (const [method, path] of [['GET', '/api/v1/me'], ['POST', '/api/v1/events/tickets'], ['GET', '/api/v1/events'], ['GET', '/api/v1/funnels'], ['POST', '/api/v1/funnels']]) {
      const res = await api.request(method, path, { token: forever, body: method === 'POST' ? { name: 'x' } : undefined });
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 401, 'UNAUTHORIZED']);
    }
    expect((await open(api.url, { token: forever })).status).toBe(401);
    // The same token with an exp is fine.
    expect((await api.request('GET', '/api/v1/me', { token: tokenWith(accountA, { exp: Math.floor(Date.now() / 1000) + 60 }) })).status).toBe(200);
  });

  it('documents the ticket route and the stream’s ticket and position in OpenAPI, with examples', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    const tickets = doc.paths['/api/v1/events/tickets'].post;
    expect(tickets.responses['201'].content['application/json'].example).toMatchObject({ ticket: expect.any(String), expiresAt: expect.any(String) });
    const stream = doc.paths['/api/v1/events'].get;
    expect(stream.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['header:Last-Event-ID', 'query:lastEventId', 'query:ticket']);
    expect(stream.parameters.every((p: { example?: unknown; schema?: { example?: unknown } }) => p.example !== undefined || p.schema?.example !== undefined)).toBe(true);
    expect(stream.responses['200'].content['text/event-stream'].example).toMatch(/^id: \d+\nevent: /);
  });
});
