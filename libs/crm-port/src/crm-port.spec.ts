import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { backoffMs } from './backoff';
import { scaledClock, systemClock } from './clock';
import { CrmHttpClient, CrmTransportError } from './crm-http';
import { CrmUrlPolicy, CrmUrlRefusedError } from './crm-url-policy';
import { bucketWaitMs, fullBucket, takeFromBucket, type BucketState } from './leaky-bucket';

describe('leaky bucket (Bitrix24: 2 req/s, bursts to 50)', () => {
  const limit = { perSecond: 2, burst: 50 };

  it('lets a burst of 50 through at once, then one request every 500 ms', () => {
    let state: BucketState = { level: 0, at: 0 };
    for (let i = 0; i < 50; i++) {
      expect(bucketWaitMs(state, limit, 0)).toBe(0);
      state = takeFromBucket(state, limit, 0);
    }
    expect(bucketWaitMs(state, limit, 0)).toBe(500);
    expect(bucketWaitMs(state, limit, 499)).toBe(2);
    expect(bucketWaitMs(state, limit, 500)).toBe(0);
    state = takeFromBucket(state, limit, 500);
    expect(bucketWaitMs(state, limit, 500)).toBe(500);
    // Idle for a minute: the bucket is empty again.
    expect(bucketWaitMs(state, limit, 60_500)).toBe(0);
  });

  it('a "too many requests" answer fills the bucket', () => {
    expect(bucketWaitMs(fullBucket(limit, 1000), limit, 1000)).toBe(500);
  });
});

describe('backoff and the application clock', () => {
  it('doubles from the base up to the cap', () => {
    const policy = { baseMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 6, 7, 50].map((n) => backoffMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000]);
  });

  it('a scaled clock covers an hour in a second of real time', async () => {
    expect(scaledClock(1)).toBe(systemClock);
    const clock = scaledClock(3600);
    const start = clock.now();
    await new Promise((r) => setTimeout(r, 100));
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(350_000); // ≥ 100 ms × 3600
    expect(elapsed).toBeLessThan(3_600_000);
  });

  it('scaled clocks made at different times from one origin show the same time (a restart keeps the timeline)', async () => {
    const origin = Date.now() - 10_000;
    const before = scaledClock(60, origin);
    await new Promise((r) => setTimeout(r, 50));
    const restarted = scaledClock(60, origin);
    const [a, b] = [before.now(), restarted.now()];
    expect(Math.abs(a - b)).toBeLessThan(200);
    expect(b - Date.now()).toBeGreaterThanOrEqual(59 * 10_000); // 10 s of real time since the origin → ≥ 10 min ahead
  });
});

describe('CrmUrlPolicy (SSRF, DESIGN §3)', () => {
  const strict = new CrmUrlPolicy({ allowLoopback: false });
  const tests = new CrmUrlPolicy({ allowLoopback: true });

  it.each([
    ['http://portal.bitrix24.ru/rest/1/x/', 'must use https'],
    ['https://127.0.0.1/rest/1/x/', 'not a public address'],
    ['https://10.1.2.3/rest/1/x/', 'not a public address'],
    ['https://172.20.0.1/rest/1/x/', 'not a public address'],
    ['https://192.168.1.1/rest/1/x/', 'not a public address'],
    ['https://169.254.169.254/latest/meta-data/', 'not a public address'],
    ['https://100.64.0.1/', 'not a public address'],
    ['https://0.0.0.0/', 'not a public address'],
    ['https://[::1]/', 'not a public address'],
    ['https://[fd00::1]/', 'not a public address'],
    ['https://[fe80::1]/', 'not a public address'],
    ['https://[::ffff:127.0.0.1]/', 'not a public address'],
    ['https://[::ffff:a9fe:a9fe]/', 'not a public address'],
    ['https://user:pw@portal.bitrix24.ru/', 'user name or password'],
  ])('refuses %s', (url, reason) => {
    expect(() => strict.assertShape(url)).toThrow(CrmUrlRefusedError);
    expect(() => strict.assertShape(url)).toThrow(reason);
  });

  it('accepts https to public addresses, and loopback (only) with CRM_ALLOW_LOOPBACK_URLS', async () => {
    expect(strict.assertShape('https://93.184.216.34/rest/1/x/').hostname).toBe('93.184.216.34');
    expect(strict.addressProblem('2a00:1450:4010:c05::8a')).toBeNull();
    expect(strict.addressProblem('::ffff:93.184.216.34')).toBeNull();
    expect(tests.assertShape('http://127.0.0.1:8080/rest/1/x/').port).toBe('8080');
    expect(tests.assertShape('http://localhost:8080/rest/1/x/').hostname).toBe('localhost');
    expect(() => tests.assertShape('http://10.0.0.1/rest/1/x/')).toThrow('must use https');
    expect(() => tests.assertShape('https://192.168.0.10/rest/1/x/')).toThrow('not a public address');
    await expect(strict.assertAllowed('https://localhost/rest/1/x/')).rejects.toThrow('localhost resolves to 127.0.0.1 is not a public address');
    await expect(tests.assertAllowed('http://localhost:1/rest/1/x/')).resolves.toBeInstanceOf(URL);
  });
});

describe('CrmHttpClient', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2000).unref();
      if (req.url === '/drop') return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, body })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  const client = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: true }));
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts JSON and parses the answer', async () => {
    const res = await client.request({ method: 'POST', url: `http://localhost:${port}/x`, body: '{"a":1}', headers: { 'content-type': 'application/json' }, timeoutMs: 1000 });
    expect(res).toMatchObject({ status: 200, json: { method: 'POST', body: '{"a":1}' } });
  });

  it('a timeout after the request was sent is unclear; a refused connection is not', async () => {
    const timeout = await client.request({ method: 'POST', url: `http://127.0.0.1:${port}/slow`, body: '{}', timeoutMs: 200 }).catch((e) => e);
    expect(timeout).toBeInstanceOf(CrmTransportError);
    expect(timeout).toMatchObject({ code: 'TIMEOUT', unclear: true });
    const dropped = await client.request({ method: 'POST', url: `http://127.0.0.1:${port}/drop`, body: '{}', timeoutMs: 1000 }).catch((e) => e);
    expect(dropped).toMatchObject({ code: 'CONNECTION_LOST', unclear: true });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await client.request({ method: 'POST', url: `http://127.0.0.1:${closedPort}/`, body: '{}', timeoutMs: 1000 }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'CONNECTION_FAILED', unclear: false });
  });

  it('refuses at call time what the policy forbids, before connecting', async () => {
    const strict = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: false }));
    await expect(strict.request({ method: 'GET', url: `https://localhost:${port}/`, timeoutMs: 1000 })).rejects.toBeInstanceOf(CrmUrlRefusedError);
    await expect(strict.request({ method: 'GET', url: `https://127.0.0.1:${port}/`, timeoutMs: 1000 })).rejects.toBeInstanceOf(CrmUrlRefusedError);
    strict.close();
  });
});
