import { runMigrations } from '@crm/persistence';
import { startThrowawayPostgres, type ThrowawayPostgres, waitFor } from '@crm/testing';
import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

describe('api while its Postgres is down (a throwaway cluster, never the shared one)', () => {
  let pg: ThrowawayPostgres;
  let api: ApiHarness;
  let token: string;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    await pg.exec('CREATE DATABASE crm');
    await runMigrations(pg.url('crm'));
    api = await startApiHarness({ DATABASE_URL: pg.url('crm') });
    token = api.token(await api.createAccount());
  });

  afterAll(async () => {
    await api?.close();
    await pg?.stop();
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE (retry later, as the OpenAPI document says), not 500, and serves again once it is back', async () => {
    expect((await api.request('GET', '/api/v1/channels', { token })).status).toBe(200);

    await pg.halt();
    try {
      for (const path of ['/api/v1/channels', '/api/v1/funnels']) {
        const res = await api.request('GET', path, { token });
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'Сервис временно недоступен, повторите позже', requestId: expect.any(String) });
      }
      const created = await api.request('POST', '/api/v1/funnels', { token, body: { name: 'Продажи' } });
      expect(created.status).toBe(503);
      // Logged with its cause, as every 5xx is.
      expect(api.logs.some((l) => l.includes('"code":"DEPENDENCY_UNAVAILABLE"'))).toBe(true);
    } finally {
      await pg.resume();
    }

    await waitFor(async () => ((await api.request('GET', '/api/v1/channels', { token })).status === 200) || undefined, 30_000, 'the api serving again');
    // Nothing half-written while it was down: the refused create left no funnel behind.
    const funnels = await api.request('GET', '/api/v1/funnels', { token });
    expect(JSON.stringify(funnels.body)).not.toContain('Продажи');
  });

  it('answers 503 while the database refuses writes (read-only, as during a failover) and stores nothing; reads still work', async () => {
    await pg.readOnly(true);
    try {
      const created = await api.request('POST', '/api/v1/funnels', { token, body: { name: 'Во время переключения' } });
      expect(created.status).toBe(503);
      expect(created.body).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect((await api.request('GET', '/api/v1/funnels', { token })).status).toBe(200);
    } finally {
      await pg.readOnly(false);
    }
    const funnels = await api.request('GET', '/api/v1/funnels', { token });
    expect(JSON.stringify(funnels.body)).not.toContain('Во время переключения');
  });

  it('keeps 500 INTERNAL for a failure that is not an outage (a bug is not worth a retry)', async () => {
    await api.dataSource.query('ALTER TABLE funnels RENAME TO funnels_gone');
    try {
      const res = await api.request('GET', '/api/v1/funnels', { token });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
    } finally {
      await api.dataSource.query('ALTER TABLE funnels_gone RENAME TO funnels');
    }
  });
});
