import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { encryptJson, encryptSecret, secretKeyId, secretKeyringFromEnv } from '@crm/secrets';
import { rotateSecrets } from './secrets-rotation';

// A rotation that dies midway (here: a trigger that fails the update of one channel, as a crash or a lost connection
// would) leaves every batch either fully done — rows under the new key with their channels.config.v1 outbox row — or
// untouched; the next run finishes the rest and enqueues nothing twice. Deleted channels are re-encrypted but never
// republished (their record is a tombstone).
describe('secrets rotation interrupted midway', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32).toString('base64');
  const ring = secretKeyringFromEnv({ SECRETS_KEYS: `k2:${k2},legacy:${k1.toString('base64')}`, SECRETS_DERIVATION_KEY_ID: 'legacy' });
  let db: TestDatabase;
  let ds: DataSource;
  const channelIds: string[] = [];
  let poisoned: string;
  let deleted: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url });
    await ds.initialize();
    for (const account of [randomUUID(), randomUUID()]) {
      await ds.query(`INSERT INTO accounts (id, name) VALUES ($1, 'acc')`, [account]);
      for (let i = 0; i < 3; i++) {
        const [row] = await ds.query(
          `INSERT INTO channels (account_id, type, name, status, secrets_encrypted, webhook_secret_encrypted) VALUES ($1, 'telegram', $2, 'active', $3, $4) RETURNING id`,
          [account, `bot ${i}`, encryptJson({ botToken: `${i}:token` }, k1), encryptSecret(`hook-${i}`, k1)],
        );
        channelIds.push(row.id);
      }
    }
    const sorted = (await ds.query(`SELECT id, account_id FROM channels ORDER BY account_id, id`)) as Array<{ id: string }>;
    poisoned = sorted[4].id; // second account, second row
    deleted = sorted[1].id;
    await ds.query(`UPDATE channels SET deleted_at = now() WHERE id = $1`, [deleted]);
    await ds.query(`CREATE FUNCTION fail_rotation() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql`);
    await ds.query(`CREATE TRIGGER fail_rotation BEFORE UPDATE ON channels FOR EACH ROW WHEN (OLD.id = '${poisoned}') EXECUTE FUNCTION fail_rotation()`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const state = async () =>
    (await ds.query(`SELECT c.id, c.secrets_encrypted, c.webhook_secret_encrypted, c.revision, c.deleted_at,
                            (SELECT count(*)::int FROM outbox o WHERE o.message_key = c.id::text AND o.account_id = c.account_id) AS records
                       FROM channels c ORDER BY c.account_id, c.id`)) as Array<{ id: string; secrets_encrypted: string; webhook_secret_encrypted: string; revision: number; deleted_at: Date | null; records: number }>;

  it('keeps each batch all-or-nothing when the run dies, and the next run finishes without duplicates', async () => {
    await expect(rotateSecrets(ds, ring, { batchSize: 2 })).rejects.toThrow(/simulated crash/);
    const afterCrash = await state();
    // First account (3 rows, two batches) done; the second account's first batch (rows 3 and 4, 4 poisoned) rolled back.
    expect(afterCrash.map((r) => secretKeyId(r.secrets_encrypted))).toEqual(['k2', 'k2', 'k2', 'legacy', 'legacy', 'legacy']);
    expect(afterCrash.map((r) => secretKeyId(r.webhook_secret_encrypted))).toEqual(['k2', 'k2', 'k2', 'legacy', 'legacy', 'legacy']);
    expect(afterCrash.map((r) => r.revision)).toEqual([2, 2, 2, 1, 1, 1]);
    // A rotated live channel has exactly its record in the outbox; the deleted one none.
    expect(afterCrash.map((r) => r.records)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(afterCrash[1].id).toBe(deleted);

    await ds.query(`DROP TRIGGER fail_rotation ON channels`);
    const report = await rotateSecrets(ds, ring, { batchSize: 2 });
    expect(report.tables.channels).toEqual({ scanned: 6, rotated: 3, current: 3, failed: 0 });
    expect(report.channelConfigsEnqueued).toBe(3);
    const done = await state();
    expect(done.every((r) => secretKeyId(r.secrets_encrypted) === 'k2' && secretKeyId(r.webhook_secret_encrypted) === 'k2')).toBe(true);
    expect(done.map((r) => r.revision)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(done.map((r) => r.records)).toEqual([1, 0, 1, 1, 1, 1]);
    const payloads = (await ds.query(`SELECT payload FROM outbox ORDER BY id`)) as Array<{ payload: { data: { channelId: string; encryptedSecrets: string; revision: number } } }>;
    for (const { payload } of payloads) {
      const row = done.find((r) => r.id === payload.data.channelId)!;
      expect(payload.data).toMatchObject({ encryptedSecrets: row.secrets_encrypted, revision: row.revision });
    }
  });
});
