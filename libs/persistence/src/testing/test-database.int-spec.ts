import { Client } from 'pg';
import { publicTables } from './pg-introspection';
import { createTestDatabase, defaultAdminUrl } from './test-database';

async function exists(name: string): Promise<boolean> {
  const c = new Client({ connectionString: defaultAdminUrl() });
  await c.connect();
  try {
    return ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

describe('createTestDatabase (real PostgreSQL)', () => {
  it('creates a uniquely named migrated database and drops it even with open connections', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase({ migrate: false });
    try {
      expect(a.name).toMatch(/^crm_t_([0-9a-f]{6}_)?[0-9a-f]{16}$/); // run id prefix under npm test
      expect(a.name).not.toBe(b.name);
      expect(new URL(a.url).pathname).toBe(`/${a.name}`);
      expect(await publicTables(a.url)).toContain('messages');
      expect(await publicTables(b.url)).toEqual([]);

      const open = new Client({ connectionString: a.url });
      await open.connect();
      open.on('error', () => undefined); // terminated by DROP … WITH (FORCE)
      await a.drop();
      await a.drop(); // idempotent
      expect(await exists(a.name)).toBe(false);
      await open.end().catch(() => undefined);
    } finally {
      await a.drop();
      await b.drop();
    }
    expect(await exists(b.name)).toBe(false);
  });

  it('clones a template database', async () => {
    const template = await createTestDatabase();
    try {
      const clone = await createTestDatabase({ template: template.name, migrate: false });
      try {
        expect(await publicTables(clone.url)).toContain('channels');
      } finally {
        await clone.drop();
      }
    } finally {
      await template.drop();
    }
  });
});
