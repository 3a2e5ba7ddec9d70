import { FakeVkServer } from '@crm/testing';
import { VkApiClient } from './vk-api.client';
import { classifyVkError } from './vk-failure';

describe('VkApiClient (against the fake VK API)', () => {
  let vk: FakeVkServer;
  let api: VkApiClient;

  beforeAll(async () => {
    vk = await FakeVkServer.start({ ratePerSecond: 1000 });
    api = new VkApiClient({ apiUrl: `${vk.apiUrl}/`, timeoutMs: 3000 });
  });
  afterAll(() => vk.close());
  beforeEach(() => vk.clear());

  it('sends form-encoded parameters with v=5.199 and the token as a bearer header, never in the body', async () => {
    const c = vk.addCommunity({ name: 'Магазин', screenName: 'shop' });
    expect(await api.getGroupById(c.token)).toEqual({ ok: true, value: [expect.objectContaining({ id: c.groupId, name: 'Магазин', screen_name: 'shop' })] });
    const [call] = vk.callsOf('groups.getById');
    expect(call.token).toBe(c.token);
    expect(call.params).toEqual({ v: '5.199' });
  });

  it('reads VK errors from HTTP 200 bodies: 5 → rejected, 6/9 → rate-limited, 10 → unavailable, 901 → permanent', async () => {
    expect(await api.getGroupById('vk1.a.unknown-token-000000')).toEqual({ ok: false, failure: { kind: 'rejected', errorCode: 5, description: '5 User authorization failed: invalid access_token (4).' } });
    const c = vk.addCommunity();
    vk.failNext('messages.send', { kind: 'error', code: 6 });
    vk.failNext('messages.send', { kind: 'error', code: 9 });
    vk.failNext('messages.send', { kind: 'error', code: 10 });
    const send = () => api.sendMessage(c.token, { groupId: c.groupId, peerId: 1, randomId: 1, message: 'x' });
    expect(await send()).toMatchObject({ ok: false, failure: { kind: 'rate-limited', errorCode: 6, retryAfterMs: 1000 } });
    expect(await send()).toMatchObject({ ok: false, failure: { kind: 'rate-limited', errorCode: 9, retryAfterMs: 5000 } });
    expect(await send()).toMatchObject({ ok: false, failure: { kind: 'unavailable', errorCode: 10 } });
    c.denied.add(2);
    expect(await api.sendMessage(c.token, { groupId: c.groupId, peerId: 2, randomId: 2, message: 'x' })).toMatchObject({ ok: false, failure: { kind: 'permanent', errorCode: 901 } });
  });

  it('an HTTP error page, a dropped connection and a timeout are unavailable, and name no token', async () => {
    const c = vk.addCommunity();
    vk.failNext('groups.getById', { kind: 'http', status: 502 });
    vk.failNext('groups.getById', { kind: 'drop-connection' });
    vk.failNext('groups.getById', { kind: 'delay', ms: 600 });
    const impatient = new VkApiClient({ apiUrl: vk.apiUrl, timeoutMs: 300 });
    for (const [client, expected] of [[api, /HTTP 502/], [api, /could not be reached/], [impatient, /no answer within 300 ms/]] as const) {
      const result = await client.getGroupById(c.token);
      expect(result).toMatchObject({ ok: false, failure: { kind: 'unavailable', description: expect.stringMatching(expected) } });
      expect(JSON.stringify(result)).not.toContain(c.token);
    }
  });

  it('messages.send: the message id; a repeated random_id is not delivered twice', async () => {
    const c = vk.addCommunity();
    const first = await api.sendMessage(c.token, { groupId: c.groupId, peerId: 10, randomId: 77, message: 'Здравствуйте', replyTo: 5 });
    const again = await api.sendMessage(c.token, { groupId: c.groupId, peerId: 10, randomId: 77, message: 'Здравствуйте', replyTo: 5 });
    expect(first).toEqual({ ok: true, value: expect.any(Number) });
    expect(again).toEqual(first);
    expect(vk.sent).toEqual([expect.objectContaining({ peerId: 10, randomId: 77, message: 'Здравствуйте', replyTo: 5 })]);
    expect(vk.callsOf('messages.send')[0].params).toEqual({ v: '5.199', group_id: String(c.groupId), peer_id: '10', random_id: '77', message: 'Здравствуйте', reply_to: '5' });
  });

  it('users.get, groups.getCallbackConfirmationCode and messages.markAsRead', async () => {
    const c = vk.addCommunity({ confirmationCode: 'a1b2c3d4' });
    const user = vk.addUser({ firstName: 'Анна', lastName: 'Петрова' });
    expect(await api.getUsers(c.token, [user.id, 999])).toEqual({ ok: true, value: [expect.objectContaining({ id: user.id, first_name: 'Анна', last_name: 'Петрова' })] });
    expect(await api.getCallbackConfirmationCode(c.token, c.groupId)).toEqual({ ok: true, value: 'a1b2c3d4' });
    expect(await api.markAsRead(c.token, { groupId: c.groupId, peerId: user.id, startMessageId: 9 })).toEqual({ ok: true, value: true });
    expect(vk.reads).toEqual([{ groupId: c.groupId, peerId: user.id, startMessageId: 9 }]);
    const limited = vk.addCommunity({ canManage: false });
    expect(await api.getCallbackConfirmationCode(limited.token, limited.groupId)).toMatchObject({ ok: false, failure: { kind: 'permanent', errorCode: 15 } });
  });

  it('the community limit of the fake: over 20 calls per second → error 6', async () => {
    let now = 1_000_000;
    const strict = await FakeVkServer.start({ now: () => now });
    try {
      const c = strict.addCommunity();
      const client = new VkApiClient({ apiUrl: strict.apiUrl });
      const results = await Promise.all(Array.from({ length: 25 }, () => client.getGroupById(c.token)));
      expect(results.filter((r) => r.ok)).toHaveLength(20);
      expect(results.filter((r) => !r.ok && r.failure.kind === 'rate-limited' && r.failure.errorCode === 6)).toHaveLength(5);
      now += 1001;
      expect((await client.getGroupById(c.token)).ok).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('classifyVkError', () => {
  it.each([
    [5, 'rejected'],
    [27, 'rejected'],
    [28, 'rejected'],
    [6, 'rate-limited'],
    [9, 'rate-limited'],
    [29, 'rate-limited'],
    [1, 'unavailable'],
    [10, 'unavailable'],
    [100, 'permanent'],
    [901, 'permanent'],
    [15, 'permanent'],
  ])('%i → %s', (code, kind) => {
    expect(classifyVkError(code, 'msg').kind).toBe(kind);
  });
});
