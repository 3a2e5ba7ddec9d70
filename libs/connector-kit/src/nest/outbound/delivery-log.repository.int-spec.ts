import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { MessageStatusData } from '@crm/contracts';
import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { type DeliveryRef, DeliveryLogRepository } from './delivery-log.repository';

describe('DeliveryLogRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let log: DeliveryLogRepository;
  const ref = (): DeliveryRef => ({ accountId: randomUUID(), messageId: randomUUID(), channelId: randomUUID(), channelType: 'vk' });
  const sent = (r: DeliveryRef): MessageStatusData => ({ messageId: r.messageId, externalChatId: 'c', status: 'sent', externalMessageId: 'x', at: new Date().toISOString() });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource({ url: db.url }).initialize();
    log = new DeliveryLogRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('claims once; a second claim finds the send in progress; the outcome is recorded once and then found', async () => {
    const r = ref();
    expect(await log.claim(r)).toEqual({ state: 'claimed', attempts: 1 });
    expect(await log.claim(r)).toEqual({ state: 'in-progress', attempts: 1 });
    expect(await log.retake(r)).toBe(2);
    const outcome = sent(r);
    expect(await log.finish(r, outcome)).toBe(true);
    // Finished elsewhere meanwhile: a second finish does not overwrite it.
    expect(await log.finish(r, { ...outcome, status: 'failed', errorCode: 'X' })).toBe(false);
    expect(await log.claim(r)).toEqual({ state: 'done', outcome, published: false });
    await log.markPublished(r);
    expect(await log.claim(r)).toMatchObject({ state: 'done', published: true });
  });

  it('a released claim (nothing was sent) can be claimed again; rows are per account', async () => {
    const r = ref();
    await log.claim(r);
    await log.release(r);
    expect(await log.claim(r)).toEqual({ state: 'claimed', attempts: 1 });
    expect(await log.claim({ ...r, accountId: randomUUID() })).toEqual({ state: 'claimed', attempts: 1 });
  });
});
