import { randomBytes, randomUUID } from 'node:crypto';
import type { ChannelConfigData } from '@crm/contracts';
import { encryptJson, encryptSecret } from '@crm/secrets';
import { deriveWebhookSecret, secretTokenMatches, TELEGRAM_SECRET_TOKEN_PATTERN } from '../webhook/webhook-secret';
import { telegramWebhookUrl } from '../webhook/webhook-registration';
import { TelegramChannelRegistry, webhookActions } from './telegram-channel-registry';
import { telegramSecretsResolver } from './telegram-secrets';

const key = randomBytes(32);
const TOKEN_A = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA';
const TOKEN_B = '7000000001:AAFreshTokenAfterRevokeXXXXXXXXXXXX';

function config(channelId: string, patch: Partial<ChannelConfigData> = {}, token = TOKEN_A): ChannelConfigData {
  return {
    channelId,
    accountId: '11111111-1111-4111-8111-111111111111',
    type: 'telegram',
    name: 'Telegram бот',
    status: 'active',
    settings: { botId: '7000000001' },
    encryptedSecrets: encryptJson({ botToken: token }, key),
    revision: 1,
    updatedAt: new Date().toISOString(),
    ...patch,
  };
}

describe('TelegramChannelRegistry', () => {
  const registry = () => new TelegramChannelRegistry(telegramSecretsResolver(key));

  it('keeps telegram channels with their decrypted token; other types are ignored', () => {
    const r = registry();
    const id = randomUUID();
    const change = r.apply(id, config(id));
    expect(change?.after).toMatchObject({ channelId: id, status: 'active', botToken: TOKEN_A, revision: 1 });
    expect(r.active(id)?.botToken).toBe(TOKEN_A);
    const vk = randomUUID();
    expect(r.apply(vk, config(vk, { type: 'vk' }))).toBeNull();
    expect(r.get(vk)).toBeUndefined();
    expect(r.size).toBe(1);
  });

  it('deactivation keeps the channel but not as active; a tombstone removes it; an unknown tombstone is nothing', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, config(id));
    const off = r.apply(id, config(id, { status: 'inactive', revision: 2 }));
    expect(off).toMatchObject({ before: { status: 'active' }, after: { status: 'inactive' } });
    expect(r.active(id)).toBeUndefined();
    expect(r.get(id)?.status).toBe('inactive');
    expect(r.apply(id, null)).toMatchObject({ before: { status: 'inactive' } });
    expect(r.get(id)).toBeUndefined();
    expect(r.apply(randomUUID(), null)).toBeNull();
  });

  it('ignores an older revision and an unchanged replay', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, config(id, { revision: 5 }));
    expect(r.apply(id, config(id, { revision: 4, status: 'inactive' }))).toBeNull();
    expect(r.active(id)).toBeDefined();
    expect(r.apply(id, config(id, { revision: 5 }))).toBeNull();
    expect(r.apply(id, config(id, { revision: 6, name: 'renamed' }))).not.toBeNull();
  });

  it('uses the generated webhook secret of the record, else a derived one; never the token', () => {
    const r = registry();
    const withSecret = randomUUID();
    r.apply(withSecret, config(withSecret, { webhookSecret: encryptSecret('generated_Secret-123', key) }));
    expect(r.get(withSecret)?.webhookSecret).toBe('generated_Secret-123');
    const without = randomUUID();
    r.apply(without, config(without));
    const derived = r.get(without)!.webhookSecret;
    expect(derived).toBe(deriveWebhookSecret(key, without));
    expect(derived).toMatch(TELEGRAM_SECRET_TOKEN_PATTERN);
    expect(derived).not.toContain(TOKEN_A.split(':')[1]);
    expect(deriveWebhookSecret(key, randomUUID())).not.toBe(derived);
    expect(deriveWebhookSecret(randomBytes(32), without)).not.toBe(derived);
  });

  it('refuses a record it cannot decrypt, keeping what it had', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, config(id));
    const foreign = { ...config(id, { revision: 2, status: 'inactive' }), encryptedSecrets: encryptJson({ botToken: TOKEN_B }, randomBytes(32)) };
    expect(() => r.apply(id, foreign)).toThrow(/cannot decrypt/);
    expect(r.active(id)?.botToken).toBe(TOKEN_A);
    expect(() => r.apply(id, config(id, { revision: 3, encryptedSecrets: null }))).toThrow(/no encrypted credentials/);
  });
});

describe('webhookActions', () => {
  const r = new TelegramChannelRegistry(telegramSecretsResolver(key));
  const id = randomUUID();
  const created = r.apply(id, config(id))!;

  it('activation registers; deactivation and deletion remove with the old token', () => {
    expect(webhookActions(created)).toEqual({ register: created.after });
    const off = r.apply(id, config(id, { status: 'inactive', revision: 2 }))!;
    expect(webhookActions(off)).toEqual({ remove: off.before });
    const on = r.apply(id, config(id, { status: 'active', revision: 3 }))!;
    expect(webhookActions(on)).toEqual({ register: on.after });
    const deleted = r.apply(id, null)!;
    expect(webhookActions(deleted)).toEqual({ remove: deleted.before });
  });

  it('a new token while active: remove with the old, register with the new; a rename does nothing', () => {
    const other = randomUUID();
    r.apply(other, config(other));
    const rotated = r.apply(other, config(other, { revision: 2 }, TOKEN_B))!;
    expect(webhookActions(rotated)).toEqual({ remove: rotated.before, register: rotated.after });
    expect(rotated.before!.botToken).toBe(TOKEN_A);
    const renamed = r.apply(other, config(other, { revision: 3, name: 'x' }, TOKEN_B))!;
    expect(webhookActions(renamed)).toEqual({});
  });

  it('an error or inactive channel that is created registers nothing', () => {
    const broken = randomUUID();
    expect(webhookActions(r.apply(broken, config(broken, { status: 'error' }))!)).toEqual({});
  });
});

describe('webhook secret and URL', () => {
  it('compares in constant time and rejects a missing, empty, repeated or different header', () => {
    expect(secretTokenMatches('abc_DEF-1', 'abc_DEF-1')).toBe(true);
    expect(secretTokenMatches('abc_DEF-1', 'abc_DEF-2')).toBe(false);
    expect(secretTokenMatches('abc_DEF-1', 'abc_DEF-1x')).toBe(false);
    expect(secretTokenMatches('abc_DEF-1', '')).toBe(false);
    expect(secretTokenMatches('abc_DEF-1', undefined)).toBe(false);
    expect(secretTokenMatches('abc_DEF-1', ['abc_DEF-1', 'abc_DEF-1'])).toBe(false);
  });

  it('the webhook URL carries only the channel id', () => {
    expect(telegramWebhookUrl('https://crm.example.com/', 'c-1')).toBe('https://crm.example.com/webhooks/telegram/c-1');
  });
});
