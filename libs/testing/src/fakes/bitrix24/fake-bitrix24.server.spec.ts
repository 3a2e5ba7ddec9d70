import { jsonRequest } from '../../http/json-request';
import { FakeBitrix24Server } from './fake-bitrix24.server';
import { parsePhpQuery } from './php-query';

describe('FakeBitrix24Server keeps the Bitrix24 REST contract (PLATFORMS.md §5)', () => {
  let b24: FakeBitrix24Server;
  beforeEach(async () => {
    b24 = await FakeBitrix24Server.start({ rateLimit: { perSecond: 2, burst: 5 } });
  });
  afterEach(() => b24.close());
  const call = (url: string, method: string, body: unknown = {}) => jsonRequest(url, 'POST', `${method}.json`, { body });

  it('answers {result, time} and {error, error_description} with the documented statuses', async () => {
    const hook = b24.addWebhook({ scopes: ['crm'] });
    const ok = await call(hook.url, 'crm.contact.add', { fields: { NAME: 'Иван', PHONE: [{ VALUE: '+79001234567', VALUE_TYPE: 'MOBILE' }] } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ result: 1, time: { operating_reset_at: expect.any(Number), date_start: expect.any(String) } });

    const noScope = b24.addWebhook({ scopes: ['user'] });
    expect(await call(noScope.url, 'crm.lead.fields')).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(await call(`${b24.baseUrl}/rest/1/nosuchcode123/`, 'profile')).toMatchObject({ status: 401, body: { error: 'NO_AUTH_FOUND' } });
    b24.expireWebhook(hook.code);
    expect(await call(hook.url, 'profile')).toMatchObject({ status: 401, body: { error: 'expired_token' } });
    expect((await call(noScope.url, 'crm.nothing')).body.error).toBe('ERROR_METHOD_NOT_FOUND');
  });

  it('findbycomm: an empty result is [], a match lists the contact ids; both validation errors', async () => {
    const hook = b24.addWebhook();
    b24.portal.addContact({ NAME: 'Пётр', PHONE: [{ VALUE: '8 (900) 111-22-33', VALUE_TYPE: 'WORK' }] });
    expect((await call(hook.url, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+79005550000'] })).body.result).toEqual([]);
    expect((await call(hook.url, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['89001112233'], entity_type: 'CONTACT' })).body.result).toEqual({ CONTACT: [1] });
    expect((await call(hook.url, 'crm.duplicate.findbycomm', { values: ['1'] })).body).toEqual({ error: '', error_description: 'Communication type is not defined.' });
    expect((await call(hook.url, 'crm.duplicate.findbycomm', { type: 'PHONE' })).body.error_description).toBe('Communication values is not defined.');
  });

  it('list filters on the indexed ORIGIN_ID and ENTITY_ID give exactly the rows a scan gives, in every filter form', async () => {
    const portal = await FakeBitrix24Server.start(); // no request limit: this test makes more calls than 5 per second
    const hook = portal.addWebhook();
    const lead = async (origin: string) => (await call(hook.url, 'crm.lead.add', { fields: { TITLE: origin, ORIGINATOR_ID: 'crm', ORIGIN_ID: origin } })).body.result as number;
    const [a, b] = [await lead('our-a'), await lead('our-b')];
    for (let i = 0; i < 20_000; i++) portal.portal.methods['crm.timeline.comment.add'].run({ fields: { ENTITY_ID: String(i % 2 ? a : b), ENTITY_TYPE: 'lead', COMMENT: `c${i}` } }, 1);
    const comments = (await call(hook.url, 'crm.timeline.comment.list', { filter: { ENTITY_ID: a, ENTITY_TYPE: 'lead' }, select: ['ID', 'COMMENT'], order: { ID: 'DESC' } })).body;
    expect(comments.total).toBe(10_000);
    expect(comments.result[0]).toEqual({ ID: '20000', COMMENT: 'c19999' });
    expect((await call(hook.url, 'crm.timeline.comment.list', { filter: { '=ENTITY_ID': b, ENTITY_TYPE: 'contact' } })).body.total).toBe(0);
    expect((await call(hook.url, 'crm.timeline.comment.list', { filter: { ENTITY_TYPE: 'lead' } })).body.total).toBe(20_000);
    expect((await call(hook.url, 'crm.lead.list', { filter: { ORIGINATOR_ID: 'crm', ORIGIN_ID: 'our-b' }, select: ['ID'] })).body.result).toEqual([{ ID: String(b) }]);
    expect((await call(hook.url, 'crm.lead.list', { filter: { ORIGIN_ID: ['our-a', 'our-b'] }, select: ['ID'] })).body.total).toBe(2);
    await portal.close();
  });

  it('batch: sub-calls in order with $result references, result_error, halt stops at the first error', async () => {
    const hook = b24.addWebhook();
    const res = await call(hook.url, 'batch', {
      halt: 1,
      cmd: {
        c: 'crm.contact.add?fields[NAME]=%D0%98%D0%B2%D0%B0%D0%BD',
        l: 'crm.lead.add?fields[TITLE]=Lead&fields[CONTACT_ID]=$result[c]&fields[ORIGIN_ID]=our-1',
        m: 'crm.timeline.comment.add?fields[ENTITY_ID]=$result[l]&fields[ENTITY_TYPE]=lead&fields[COMMENT]=',
        n: 'crm.timeline.comment.add?fields[ENTITY_ID]=$result[l]&fields[ENTITY_TYPE]=lead&fields[COMMENT]=never',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.result.result).toEqual({ c: 1, l: 1 });
    expect(res.body.result.result_error).toEqual({ m: { error: 'INVALID_ARG_VALUE', error_description: 'Empty comment' } });
    expect(b24.portal.leads.get('1')).toMatchObject({ TITLE: 'Lead', CONTACT_ID: '1', ORIGIN_ID: 'our-1' });
    expect(b24.portal.contacts.get('1')!.NAME).toBe('Иван');
    expect(b24.portal.comments.size).toBe(0);
    expect(b24.executions('crm.lead.add')).toBe(1);

    const list = await call(hook.url, 'batch', { halt: 0, cmd: { a: 'crm.lead.list?filter[ORIGIN_ID]=our-1&select[]=ID', b: 'batch?cmd[x]=profile' } });
    expect(list.body.result.result).toEqual({ a: [{ ID: '1' }] });
    expect(list.body.result.result_total).toEqual({ a: 1 });
    expect(list.body.result.result_error.b.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED');
    const tooLong = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'profile']));
    expect((await call(hook.url, 'batch', { cmd: tooLong })).body.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
  });

  it('leaky bucket: above the burst → 503 QUERY_LIMIT_EXCEEDED, drained at the rate', async () => {
    const hook = b24.addWebhook();
    const answers = await Promise.all(Array.from({ length: 7 }, () => call(hook.url, 'profile')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 503, 503]);
    expect(answers.find((a) => a.status === 503)!.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    await new Promise((r) => setTimeout(r, 600));
    expect((await call(hook.url, 'profile')).status).toBe(200);
    expect(b24.peakBucketLevel).toBeLessThanOrEqual(5);
  });

  it('failure injection: programmed errors, 429 with operating_reset_at, process-then-drop carries the call out', async () => {
    const hook = b24.addWebhook();
    b24.failNext('crm.contact.add', { kind: 'operation-time-limit', resetInSeconds: 30 });
    const limited = await call(hook.url, 'crm.contact.add', { fields: { NAME: 'x' } });
    expect(limited).toMatchObject({ status: 429, body: { error: 'OPERATION_TIME_LIMIT', time: { operating_reset_at: expect.any(Number) } } });
    b24.failNext('crm.contact.add', { kind: 'process-then-drop' });
    const lost = fetch(`${hook.url}crm.contact.add.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { NAME: 'y' } }), signal: AbortSignal.timeout(300) });
    await expect(lost).rejects.toThrow();
    expect([...b24.portal.contacts.values()].map((c) => c.NAME)).toEqual(['y']);
    b24.failNext('crm.contact.add', { kind: 'drop-connection' });
    await expect(call(hook.url, 'crm.contact.add', { fields: { NAME: 'z' } })).rejects.toThrow();
    expect(b24.portal.contacts.size).toBe(1);
    b24.failNext('crm.lead.add', { kind: 'error', status: 400, error: '', description: 'Access denied.' });
    const inBatch = await call(hook.url, 'batch', { halt: 0, cmd: { a: 'crm.lead.add?fields[TITLE]=t', b: 'crm.lead.add?fields[TITLE]=u' } });
    expect(inBatch.body.result.result_error).toEqual({ a: { error: '', error_description: 'Access denied.' } });
    expect(inBatch.body.result.result).toEqual({ b: 1 });
  });

  it('reads PHP-style nested parameters', () => {
    expect(parsePhpQuery('fields[PHONE][0][VALUE]=%2B7900&fields[PHONE][0][VALUE_TYPE]=MOBILE&select[]=ID&select[]=TITLE&a=b+c')).toEqual({
      fields: { PHONE: [{ VALUE: '+7900', VALUE_TYPE: 'MOBILE' }] },
      select: ['ID', 'TITLE'],
      a: 'b c',
    });
  });
});
