import { ErrorCode } from '@crm/domain';
import { FakeVkServer } from '@crm/testing';
import { VkChannelTypeAdapter } from '../vk.channel-type';

describe('VkChannelTypeAdapter.verifyCredentials (against the fake VK API)', () => {
  let vk: FakeVkServer;
  let adapter: VkChannelTypeAdapter;

  beforeAll(async () => {
    vk = await FakeVkServer.start();
    adapter = new VkChannelTypeAdapter({ apiUrl: vk.apiUrl, timeoutMs: 3000 });
  });
  afterAll(() => vk.close());

  it('accepts the community token and learns the name and the callback confirmation string', async () => {
    const c = vk.addCommunity({ name: 'Магазин', screenName: 'shop', confirmationCode: 'f00dbabe' });
    expect(await adapter.verifyCredentials({ groupId: c.groupId, accessToken: c.token })).toEqual({
      outcome: 'valid',
      learned: { groupName: 'Магазин', groupScreenName: 'shop', callbackConfirmationCode: 'f00dbabe' },
    });
  });

  it('a token VK rejects → VK_TOKEN_INVALID on settings.accessToken, without the token in the error', async () => {
    const token = 'vk1.a.rejectedrejectedrejected';
    const err = await adapter.verifyCredentials({ groupId: 1, accessToken: token }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.VK_TOKEN_INVALID, details: [{ path: 'settings.accessToken' }] });
    expect(JSON.stringify(err)).not.toContain(token);
  });

  it('a token of another community → VK_GROUP_MISMATCH on settings.groupId', async () => {
    const c = vk.addCommunity();
    await expect(adapter.verifyCredentials({ groupId: c.groupId + 1, accessToken: c.token })).rejects.toMatchObject({
      code: ErrorCode.VK_GROUP_MISMATCH,
      details: [{ path: 'settings.groupId', constraints: [`the access token belongs to community ${c.groupId}, not ${c.groupId + 1}`] }],
    });
  });

  it('a token without the "manage" right: the given confirmationCode is used, none → VK_CONFIRMATION_CODE_REQUIRED', async () => {
    const c = vk.addCommunity({ canManage: false, name: 'Без прав' });
    expect(await adapter.verifyCredentials({ groupId: c.groupId, accessToken: c.token, confirmationCode: 'abc123' })).toEqual({
      outcome: 'valid',
      learned: { groupName: 'Без прав', groupScreenName: c.screenName },
    });
    await expect(adapter.verifyCredentials({ groupId: c.groupId, accessToken: c.token })).rejects.toMatchObject({
      code: ErrorCode.VK_CONFIRMATION_CODE_REQUIRED,
      details: [{ path: 'settings.confirmationCode' }],
    });
  });

  it('VK unreachable or rate limiting → unavailable (saved as error, re-checked later)', async () => {
    const c = vk.addCommunity();
    vk.failNext('groups.getById', { kind: 'http', status: 503 });
    expect(await adapter.verifyCredentials({ groupId: c.groupId, accessToken: c.token })).toEqual({ outcome: 'unavailable', detail: 'VK groups.getById: answered HTTP 503' });
    vk.failNext('groups.getCallbackConfirmationCode', { kind: 'error', code: 6 });
    expect(await adapter.verifyCredentials({ groupId: c.groupId, accessToken: c.token })).toMatchObject({ outcome: 'unavailable' });
  });

  it('markRead: messages.markAsRead of the message id; a VK error is thrown without the token; a non-numeric id is ignored', async () => {
    const c = vk.addCommunity();
    await adapter.markRead({ groupId: c.groupId, accessToken: c.token }, '501');
    expect(vk.reads.at(-1)).toEqual({ groupId: c.groupId, messageIds: [501] });
    const before = vk.callsOf('messages.markAsRead').length;
    await adapter.markRead({ groupId: c.groupId, accessToken: c.token }, '2000000001_c7');
    expect(vk.callsOf('messages.markAsRead')).toHaveLength(before);
    const err = await adapter.markRead({ groupId: c.groupId, accessToken: 'vk1.a.revokedrevokedrevoked' }, '501').catch((e: unknown) => e);
    expect(String(err)).toMatch(/messages.markAsRead: 5 User authorization failed/);
    expect(String(err)).not.toContain('revoked');
  });
});
