import { runAbuseSuite } from './abuse-suite';

/**
 * The short version of `npm run chaos:abuse` inside `npm test`: the api, every webhook connector and the widget from
 * the TypeScript sources, ~200 malformed requests per public endpoint (the hostile fixed list, every field with a wrong
 * type, random mixes). No 5xx, no unanswered request, nothing stored, every service alive and ready, RSS after a GC
 * within 10% of the baseline.
 */
describe('abuse (short): malformed requests on every public endpoint', () => {
  it('answers 4xx, stores nothing, and every service survives with its memory', async () => {
    const lines: string[] = [];
    const { report, table } = await runAbuseSuite({
      runner: 'ts',
      only: ['api', 'connector-telegram', 'connector-whatsapp', 'connector-vk', 'connector-avito', 'connector-widget'],
      perEndpoint: 200,
      concurrency: 8,
      log: (line) => lines.push(line),
    });
    expect(report.ok ? 'clean' : table).toBe('clean');
    const endpoints = report.rows.map((r) => r.endpoint);
    for (const type of ['telegram', 'whatsapp', 'vk', 'avito']) expect(endpoints.some((e) => e.startsWith(`POST /webhooks/${type}/`))).toBe(true);
    expect(endpoints).toEqual(expect.arrayContaining(['POST /widget/v1/:key/messages', 'POST /api/v1/channels', 'POST /api/v1/funnels', 'PATCH /api/v1/leads/{id}']));
    for (const row of report.rows) {
      expect(row.tried).toBe(200);
      expect(row.answered['4xx']).toBeGreaterThan(0);
    }
    expect(report.memory.map((m) => m.service).sort()).toEqual(['api', 'connector-avito', 'connector-telegram', 'connector-vk', 'connector-whatsapp', 'connector-widget']);
  }, 600_000);
});
