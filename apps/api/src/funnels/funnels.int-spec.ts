import { ApiHarness, startApiHarness } from '../testing/api-test-harness';

describe('funnels and stages: ordering, refusal to delete what channels route to', () => {
  let api: ApiHarness;
  let admin: string;
  beforeAll(async () => {
    api = await startApiHarness();
    admin = api.token(await api.createAccount());
  });
  afterAll(() => api?.close());

  const req = (method: string, path: string, body?: unknown) => api.request(method, path, { token: admin, body });
  const names = (f: { stages: Array<{ name: string; position: number }> }) => f.stages.map((s) => `${s.position}:${s.name}`);

  it('orders funnels on create (at a position or at the end) and on move, keeping positions dense', async () => {
    const a = (await req('POST', '/api/v1/funnels', { name: 'A' })).body;
    const b = (await req('POST', '/api/v1/funnels', { name: 'B' })).body;
    const c = (await req('POST', '/api/v1/funnels', { name: 'C', position: 0 })).body;
    expect([a.position, b.position, c.position]).toEqual([0, 1, 0]);
    const order = async () => (await req('GET', '/api/v1/funnels')).body.items.map((f: any) => `${f.position}:${f.name}`);
    expect(await order()).toEqual(['0:C', '1:A', '2:B']);
    expect((await req('PATCH', `/api/v1/funnels/${c.id}`, { position: 99 })).body.position).toBe(2);
    expect(await order()).toEqual(['0:A', '1:B', '2:C']);
    expect((await req('DELETE', `/api/v1/funnels/${a.id}`)).status).toBe(204);
    expect(await order()).toEqual(['0:B', '1:C']);
    expect((await req('GET', `/api/v1/funnels/${a.id}`)).status).toBe(404);
    const page = await req('GET', '/api/v1/funnels?limit=1');
    expect(page.body.items.map((f: any) => f.name)).toEqual(['B']);
    expect((await req('GET', `/api/v1/funnels?limit=1&cursor=${page.body.nextCursor}`)).body).toMatchObject({ items: [{ name: 'C' }], nextCursor: null });
  });

  it('orders stages on create, insert and move', async () => {
    const f = (await req('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новый' }, { name: 'В работе' }, { name: 'Оплачен' }] })).body;
    expect(names(f)).toEqual(['0:Новый', '1:В работе', '2:Оплачен']);
    const inserted = (await req('POST', `/api/v1/funnels/${f.id}/stages`, { name: 'Квалификация', position: 1 })).body;
    expect(names(inserted)).toEqual(['0:Новый', '1:Квалификация', '2:В работе', '3:Оплачен']);
    const appended = (await req('POST', `/api/v1/funnels/${f.id}/stages`, { name: 'Архив' })).body;
    expect(names(appended)).toEqual(['0:Новый', '1:Квалификация', '2:В работе', '3:Оплачен', '4:Архив']);
    const paid = appended.stages.find((s: any) => s.name === 'Оплачен');
    const moved = (await req('PATCH', `/api/v1/funnels/${f.id}/stages/${paid.id}`, { position: 0, name: 'Оплачен!' })).body;
    expect(names(moved)).toEqual(['0:Оплачен!', '1:Новый', '2:Квалификация', '3:В работе', '4:Архив']);
    const removed = (await req('DELETE', `/api/v1/funnels/${f.id}/stages/${moved.stages[2].id}`)).body;
    expect(names(removed)).toEqual(['0:Оплачен!', '1:Новый', '2:В работе', '3:Архив']);
    const other = (await req('POST', '/api/v1/funnels', { name: 'Другая', stages: [{ name: 'X' }] })).body;
    expect((await req('PATCH', `/api/v1/funnels/${f.id}/stages/${other.stages[0].id}`, { name: 'нельзя' })).body).toMatchObject({ statusCode: 404, code: 'STAGE_NOT_FOUND' });
    expect((await req('POST', '/api/v1/funnels', { name: '  ' })).status).toBe(400);
  });

  it('refuses to delete a funnel or a stage that channels route to, naming the channels (409), and allows it once they stop', async () => {
    const f = (await req('POST', '/api/v1/funnels', { name: 'Воронка', stages: [{ name: 'Первый' }, { name: 'Второй' }] })).body;
    const widget = { type: 'widget', settings: { allowedOrigins: ['https://a.example'] } };
    const one = (await req('POST', '/api/v1/channels', { name: 'Чат на сайте', ...widget, routing: { funnelId: f.id, stageId: f.stages[1].id } })).body;
    const two = (await req('POST', '/api/v1/channels', { name: 'Второй чат', ...widget, routing: { funnelId: f.id } })).body;

    const funnelRefused = await req('DELETE', `/api/v1/funnels/${f.id}`);
    expect(funnelRefused.status).toBe(409);
    expect(funnelRefused.body).toEqual({
      statusCode: 409,
      code: 'FUNNEL_IN_USE',
      message: 'Воронка используется каналами: «Чат на сайте», «Второй чат»',
      details: { channels: [{ id: one.id, name: 'Чат на сайте' }, { id: two.id, name: 'Второй чат' }] },
      requestId: expect.any(String),
    });
    const stageRefused = await api.request('DELETE', `/api/v1/funnels/${f.id}/stages/${f.stages[1].id}`, { token: admin, headers: { 'accept-language': 'en' } });
    expect(stageRefused.body).toEqual({
      statusCode: 409,
      code: 'STAGE_IN_USE',
      message: 'The stage is used by channels: «Чат на сайте»',
      details: { channels: [{ id: one.id, name: 'Чат на сайте' }] },
      requestId: expect.any(String),
    });
    expect((await req('DELETE', `/api/v1/funnels/${f.id}/stages/${f.stages[0].id}`)).status).toBe(200);

    expect((await req('PATCH', `/api/v1/channels/${one.id}`, { routing: { stageId: null } })).body.routing).toMatchObject({ funnelId: f.id, stageId: null });
    expect((await req('DELETE', `/api/v1/funnels/${f.id}/stages/${f.stages[1].id}`)).status).toBe(200);
    expect((await req('DELETE', `/api/v1/funnels/${f.id}`)).status).toBe(409);
    expect((await req('DELETE', `/api/v1/channels/${two.id}`)).status).toBe(204);
    expect((await req('PATCH', `/api/v1/channels/${one.id}`, { routing: { funnelId: null } })).status).toBe(200);
    expect((await req('DELETE', `/api/v1/funnels/${f.id}`)).status).toBe(204);
  });
});
