import { resolveVkChannel } from './vk-channel';

const base = { channelId: 'c1', accountId: 'a1', type: 'vk' as const, name: 'ВК', status: 'active' as const, revision: 1 };
const secrets = { credentials: { accessToken: 'vk1.a.token' }, webhookSecret: 'S3cret', secretsKey: Buffer.alloc(32) };

describe('resolveVkChannel', () => {
  it('takes the community, token and secret; the learned confirmation string wins over the typed one', () => {
    expect(resolveVkChannel({ ...base, settings: { groupId: 5, callbackConfirmationCode: 'learned', confirmationCode: 'typed' } }, secrets)).toMatchObject({
      groupId: 5,
      accessToken: 'vk1.a.token',
      callbackSecret: 'S3cret',
      confirmationCode: 'learned',
    });
    expect(resolveVkChannel({ ...base, settings: { groupId: 5, confirmationCode: 'typed' } }, secrets).confirmationCode).toBe('typed');
    expect(resolveVkChannel({ ...base, settings: { groupId: 5 } }, secrets).confirmationCode).toBeNull();
  });

  it('refuses a record without a numeric community id, a token or a secret', () => {
    expect(() => resolveVkChannel({ ...base, settings: { groupId: '5' } }, secrets)).toThrow(/groupId/);
    expect(() => resolveVkChannel({ ...base, settings: { groupId: 5 } }, { ...secrets, credentials: {} })).toThrow(/accessToken/);
    expect(() => resolveVkChannel({ ...base, settings: { groupId: 5 } }, { ...secrets, webhookSecret: null })).toThrow(/secret/);
  });
});
