import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from '../testing/api-test-harness';
import { AuditLog, type AuditEntry } from './audit-log';

describe('audit log (real PostgreSQL)', () => {
  let api: ApiHarness;
  let auditLog: AuditLog;

  beforeAll(async () => {
    api = await startApiHarness();
    auditLog = api.service.app.get(AuditLog);
  });
  afterAll(async () => {
    await api?.close();
  });

  const entry = (accountId: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
    accountId,
    userId: 'admin-1',
    action: 'client.exported',
    entity: 'client',
    entityId: randomUUID(),
    ...over,
  });

  it('GET /audit lists the account entries newest first, pages by cursor, filters by action and entityId', async () => {
    const accountId = await api.createAccount();
    const clientId = randomUUID();
    await auditLog.record(api.dataSource.manager, entry(accountId, { entityId: clientId, action: 'client.exported' }));
    await auditLog.record(api.dataSource.manager, entry(accountId, { action: 'client.merged', details: { intoClientId: randomUUID() } }));
    await auditLog.record(api.dataSource.manager, entry(accountId, { entityId: clientId, action: 'client.erased', userId: 'admin-2' }));
    const admin = api.token(accountId, 'admin');

    const first = await api.request('GET', '/api/v1/audit?limit=2', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { action: string }) => i.action)).toEqual(['client.erased', 'client.merged']);
    expect(first.body.items[0]).toEqual({ id: expect.any(String), at: expect.any(String), userId: 'admin-2', action: 'client.erased', entity: 'client', entityId: clientId });
    const second = await api.request('GET', `/api/v1/audit?limit=2&cursor=${first.body.nextCursor}`, { token: admin });
    expect(second.body.items.map((i: { action: string }) => i.action)).toEqual(['client.exported']);
    expect(second.body.nextCursor).toBeNull();

    const erased = await api.request('GET', '/api/v1/audit?action=client.erased', { token: admin });
    expect(erased.body.items.map((i: { entityId: string }) => i.entityId)).toEqual([clientId]);
    const ofClient = await api.request('GET', `/api/v1/audit?entityId=${clientId}`, { token: admin });
    expect(ofClient.body.items.map((i: { action: string }) => i.action)).toEqual(['client.erased', 'client.exported']);
  });

  it('is tenant-isolated, admin only, and validates its filters', async () => {
    const mine = await api.createAccount();
    const other = await api.createAccount();
    await auditLog.record(api.dataSource.manager, entry(other));
    const listed = await api.request('GET', '/api/v1/audit', { token: api.token(mine, 'admin') });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [], nextCursor: null });

    const agent = await api.request('GET', '/api/v1/audit', { token: api.token(other, 'agent') });
    expect(agent.status).toBe(403);
    expect(agent.body.code).toBe('FORBIDDEN');

    for (const q of ['action=client.deleted', 'entityId=nope', 'cursor=abc']) {
      const bad = await api.request('GET', `/api/v1/audit?${q}`, { token: api.token(other, 'admin') });
      expect(bad.status).toBe(400);
    }
  });

  it('record() joins the caller transaction: a rolled-back action leaves no audit row', async () => {
    const accountId = await api.createAccount();
    const failed = api.dataSource.transaction(async (manager) => {
      await auditLog.record(manager, entry(accountId));
      throw new Error('the action failed');
    });
    await expect(failed).rejects.toThrow('the action failed');
    const rows = await api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE account_id = $1`, [accountId]);
    expect(rows[0].n).toBe(0);
  });
});
