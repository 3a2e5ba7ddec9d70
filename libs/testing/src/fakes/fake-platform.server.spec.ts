import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeCall, FakePlatformServer, type FakeRequest } from './fake-platform.server';

/** A tiny platform: `POST /method/:name` answers `{ response: <params> }`, `GET /files/*path` serves a path echo. */
class FakeEcho extends FakePlatformServer<FakeCall & { token: string }> {
  constructor() {
    super();
    this.route('POST', '/method/:name', (req) => ({ json: { response: req.params, files: [...req.files].map(([k, f]) => [k, f.fileName, f.content.toString()]) } }), { name: (r) => r.pathParams.name });
    this.route('GET', '/files/*path', (req) => ({ text: `file ${req.pathParams.path}` }), { name: 'file' });
    this.route('GET', '/slow', () => new Promise((r) => setTimeout(() => r({ text: 'late' }), 20)));
  }

  protected override describeCall(req: FakeRequest): Partial<FakeCall & { token: string }> {
    return { token: String(req.headers.authorization ?? '') };
  }
}

describe('FakePlatformServer', () => {
  let fake: FakeEcho;
  beforeEach(async () => {
    fake = await new FakeEcho().start();
  });
  afterEach(() => fake.close());

  const post = (path: string, init: RequestInit = {}) => fetch(`${fake.baseUrl}${path}`, { method: 'POST', ...init });

  it('routes with path parameters and merges query, JSON and form fields into params; records every call', async () => {
    const json = await post('/method/messages.send?v=5.199', { headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: JSON.stringify({ peer_id: 1 }) });
    expect(await json.json()).toMatchObject({ response: { v: '5.199', peer_id: 1 } });
    const form = await post('/method/users.get', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user_ids=1&fields=%5B%22a%22%5D' });
    expect(await form.json()).toMatchObject({ response: { user_ids: '1', fields: ['a'] } });
    expect(await (await fetch(`${fake.baseUrl}/files/a/b%20c.txt`)).text()).toBe('file a/b c.txt');
    expect(fake.calls.map((c) => [c.name, c.status])).toEqual([['messages.send', 200], ['users.get', 200], ['file', 200]]);
    expect(fake.callsOf('MESSAGES.SEND')[0]).toMatchObject({ httpMethod: 'POST', path: '/method/messages.send', pathParams: { name: 'messages.send' }, query: { v: '5.199' }, token: 'Bearer t' });
    expect(fake.callsOf('messages.send', (c) => c.token === 'nobody')).toEqual([]);
  });

  it('parses multipart file parts', async () => {
    const body = new FormData();
    body.set('peer_id', '7');
    body.set('photo', new Blob(['png-bytes'], { type: 'image/png' }), 'cat.png');
    const res = await post('/method/photos.save', { body });
    expect(await res.json()).toEqual({ response: { peer_id: '7' }, files: [['photo', 'cat.png', 'png-bytes']] });
  });

  it('unknown routes and malformed bodies get the default answers and are recorded', async () => {
    expect((await fetch(`${fake.baseUrl}/nowhere`)).status).toBe(404);
    expect((await post('/method/x', { headers: { 'content-type': 'application/json' }, body: '{oops' })).status).toBe(400);
    expect(fake.calls.map((c) => [c.name, c.status])).toEqual([['/nowhere', 404], ['x', 400]]);
  });

  it('failNext: a reply instead of the handler, the given number of times, only where it matches; drop and delay', async () => {
    fake.failNext('messages.send', { kind: 'reply', reply: { status: 429, json: { error: 'slow down' }, headers: { 'retry-after': '2' } } }, { times: 2, where: (r) => r.params.peer_id === 1 });
    const send = (peer: number) => post('/method/messages.send', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peer_id: peer }) });
    const other = await send(2);
    expect(other.status).toBe(200);
    const limited = await send(1);
    expect([limited.status, limited.headers.get('retry-after'), await limited.json()]).toEqual([429, '2', { error: 'slow down' }]);
    expect((await send(1)).status).toBe(429);
    expect((await send(1)).status).toBe(200);
    fake.failNext('*', { kind: 'drop-connection' });
    await expect(send(1)).rejects.toThrow();
    fake.failNext('/slow', { kind: 'delay', ms: 100 });
    const started = Date.now();
    expect(await (await fetch(`${fake.baseUrl}/slow`)).text()).toBe('late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(fake.callsOf('messages.send').map((c) => c.status)).toEqual([200, 429, 429, 200, 0]);
  });

  it('stop() is an outage on the same port; restart() brings it back with its state', async () => {
    const url = fake.baseUrl;
    await post('/method/a');
    await fake.stop();
    expect(fake.isUp).toBe(false);
    await expect(fetch(`${url}/method/a`, { method: 'POST' })).rejects.toThrow();
    await fake.restart();
    expect(fake.baseUrl).toBe(url);
    expect((await post('/method/a')).status).toBe(200);
    expect(fake.callsOf('a')).toHaveLength(2);
    fake.clearCalls();
    expect(fake.calls).toEqual([]);
  });

  it('deliver() calls our endpoint as the platform does and returns the answer', async () => {
    const seen: Array<{ method?: string; body: string; sig?: string }> = [];
    const ours = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, body, sig: req.headers['x-signature'] as string | undefined });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => ours.listen(0, '127.0.0.1', () => r()));
    try {
      const answer = await fake.deliver(`http://127.0.0.1:${(ours.address() as AddressInfo).port}/webhooks/vk/c1`, { headers: { 'x-signature': 's' }, body: '{"type":"message_new"}' });
      expect(answer).toMatchObject({ status: 200, body: 'ok' });
      expect(seen).toEqual([{ method: 'POST', body: '{"type":"message_new"}', sig: 's' }]);
    } finally {
      ours.close();
    }
  });
});
