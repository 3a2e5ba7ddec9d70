import { randomBytes } from 'node:crypto';
import type { ConnectorChannel } from '@crm/connector-kit';
import { resolveWhatsappChannel } from './whatsapp-channel-state';

const base = (settings: Record<string, unknown>): ConnectorChannel => ({
  channelId: 'c1',
  accountId: 'a1',
  type: 'whatsapp',
  name: 'WhatsApp',
  status: 'active',
  revision: 1,
  settings,
});
const secrets = (credentials: Record<string, unknown>, webhookSecret: string | null = 'verify-me') => ({ credentials, webhookSecret, secretsKey: randomBytes(32) });

describe('resolveWhatsappChannel', () => {
  it('takes the number id from the settings, token and app secret from the credentials, the verify token from the webhook secret', () => {
    expect(resolveWhatsappChannel(base({ phoneNumberId: '106540352242922', businessAccountId: '102290129340398' }), secrets({ accessToken: 'EAAG', appSecret: 'abc' }))).toMatchObject({
      channelId: 'c1',
      phoneNumberId: '106540352242922',
      accessToken: 'EAAG',
      appSecret: 'abc',
      verifyToken: 'verify-me',
      businessAccountId: '102290129340398',
    });
  });

  it.each([
    [{}, { accessToken: 'EAAG', appSecret: 'abc' }, 'verify-me', /phoneNumberId/],
    [{ phoneNumberId: '1' }, { appSecret: 'abc' }, 'verify-me', /access token/],
    [{ phoneNumberId: '1' }, { accessToken: 'EAAG' }, 'verify-me', /app secret/],
    [{ phoneNumberId: '1' }, { accessToken: 'EAAG', appSecret: 'abc' }, null, /verify token/],
  ])('an unusable record throws (%j, %j)', (settings, credentials, webhookSecret, message) => {
    expect(() => resolveWhatsappChannel(base(settings), secrets(credentials, webhookSecret))).toThrow(message);
  });
});
