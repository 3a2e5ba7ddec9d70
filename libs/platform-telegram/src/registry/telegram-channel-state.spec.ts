import { randomBytes, randomUUID } from 'node:crypto';
import type { ChannelConfigData } from '@crm/contracts';
import { ChannelStateRegistry, channelStateBuilder, connectionActions } from '@crm/connector-kit';
import { encryptJson, encryptSecret } from '@crm/secrets';
import { deriveWebhookSecret, secretTokenMatches, TELEGRAM_SECRET_TOKEN_PATTERN } from '../webhook/webhook-secret';
import { telegramWebhookUrl } from '../webhook/webhook-registration';
import { resolveTelegramChannel, telegramConnectionKey, type TelegramChannelState } from './telegram-channel-state';

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

const registry = () => new ChannelStateRegistry<TelegramChannelState>('telegram', channelStateBuilder(key, { resolve: resolveTelegramChannel }));

describe('Telegram channel state (on the kit registry)', () => {
  it('keeps telegram channels with their decrypted token; other types are ignored', () => {
    const r = registry();
    const id = randomUUID();
    expect(r.apply(id, config(id))?.after).toMatchObject({ channelId: id, status: 'active', botToken: TOKEN_A, revision: 1 });
    const vk = randomUUID();
    expect(r.apply(vk, config(vk, { type: 'vk' }))).toBeNull();
    expect(r.size).toBe(1);
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
    // A generated secret Telegram would refuse (other alphabet) falls back to the derived one.
    const odd = randomUUID();
    r.apply(odd, config(odd, { webhookSecret: encryptSecret('not allowed: spaces!', key) }));
    expect(r.get(odd)?.webhookSecret).toBe(deriveWebhookSecret(key, odd));
  });

  it('refuses a record it cannot decrypt or without a token, keeping what it had', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, config(id));
    const foreign = { ...config(id, { revision: 2, status: 'inactive' }), encryptedSecrets: encryptJson({ botToken: TOKEN_B }, randomBytes(32)) };
    expect(() => r.apply(id, foreign)).toThrow(/cannot decrypt/);
    expect(() => r.apply(id, config(id, { revision: 3, encryptedSecrets: null }))).toThrow(/no bot token/);
    expect(r.active(id)?.botToken).toBe(TOKEN_A);
  });

  it('a new token while active re-registers (remove with the old token, register with the new); a rename does nothing', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, config(id));
    const rotated = r.apply(id, config(id, { revision: 2 }, TOKEN_B))!;
    expect(connectionActions(rotated, telegramConnectionKey)).toEqual({ disconnect: rotated.before, connect: rotated.after });
    expect(rotated.before!.botToken).toBe(TOKEN_A);
    const renamed = r.apply(id, config(id, { revision: 3, name: 'x' }, TOKEN_B))!;
    expect(connectionActions(renamed, telegramConnectionKey)).toEqual({});
    const newSecret = r.apply(id, config(id, { revision: 4, webhookSecret: encryptSecret('fresh_secret', key) }, TOKEN_B))!;
    expect(connectionActions(newSecret, telegramConnectionKey).connect?.webhookSecret).toBe('fresh_secret');
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
