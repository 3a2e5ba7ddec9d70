import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';
import { SERVICES } from './services';

describe('dev stack services', () => {
  it('are deploy/services.json, the list compose and the proxy are generated from', () => {
    const file = JSON.parse(readFileSync(join(repoRoot(), 'deploy/services.json'), 'utf8')) as { services: Array<{ name: string; port: number; routes: string[] }> };
    expect(SERVICES.map((s) => [s.name, s.port, s.routes])).toEqual(file.services.map((s) => [s.name, s.port, s.routes]));
    expect(SERVICES.find((s) => s.name === 'connector-telegram')).toMatchObject({ port: 3101, routes: ['/webhooks/telegram/'] });
  });
});
