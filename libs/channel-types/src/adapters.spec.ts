import { ErrorCode } from '@crm/domain';
import { AvitoChannelTypeAdapter } from '@crm/platform-avito';
import { TelegramChannelTypeAdapter } from '@crm/platform-telegram';
import { VkChannelTypeAdapter } from '@crm/platform-vk';
import { WhatsappChannelTypeAdapter } from '@crm/platform-whatsapp';
import { WidgetChannelTypeAdapter } from '@crm/platform-widget';
import { ChannelTypeRegistry } from './channel-type.registry';
import { mergeSettings, pickSettings, splitSettings, validateSettings } from './typed-settings';

// The five adapters through the port: settings classes, identities, generated secrets — no platform is called.
const registry = new ChannelTypeRegistry([
  new TelegramChannelTypeAdapter({ apiRoot: 'http://127.0.0.1:9' }),
  new WhatsappChannelTypeAdapter(),
  new VkChannelTypeAdapter({ apiUrl: 'http://127.0.0.1:9' }),
  new AvitoChannelTypeAdapter({ baseUrl: 'http://127.0.0.1:9' }),
  new WidgetChannelTypeAdapter(),
]);
const validate = (type: string, value: unknown) => validateSettings(registry.get(type).settingsClass, value, { code: ErrorCode.CHANNEL_SETTINGS_INVALID });
const problems = (type: string, value: unknown): string[] => {
  try {
    validate(type, value);
    return [];
  } catch (err) {
    return ((err as { details: Array<{ path: string }> }).details ?? []).map((d) => d.path).sort();
  }
};

describe('channel-type adapters', () => {
  it.each([
    ['telegram', { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }, '123456789'],
    ['whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAGm0PX4ZCpsBAKZAZB', appSecret: '0123456789abcdef0123456789abcdef' }, '106540352242922'],
    ['vk', { groupId: 218000000, accessToken: 'vk1.a.AbCdEfGhIjKlMnOpQrSt' }, '218000000'],
    ['avito', { clientId: 'k8Hq2uVt0pX3aZ9m', clientSecret: 'Yx2Lm9Qw8Er7Ty6U' }, 'k8Hq2uVt0pX3aZ9m'],
    ['widget', { allowedOrigins: ['https://shop.example.com'], preChat: { fields: ['name', 'phone'], required: ['phone'] } }, null],
  ])('accepts valid %s settings and names the platform identity', (type, settings, identity) => {
    expect(validate(type, settings)).toEqual(settings);
    expect(registry.get(type).identity(settings)).toBe(identity);
  });

  it.each([
    ['telegram', { botToken: '123456789AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }, ['settings.botToken']],
    ['telegram', {}, ['settings.botToken']],
    ['whatsapp', { phoneNumberId: '+7 916', accessToken: 'short', appSecret: 'nothex' }, ['settings.accessToken', 'settings.appSecret', 'settings.phoneNumberId']],
    ['vk', { groupId: '218000000', accessToken: 'vk1.a.AbCdEfGhIjKlMnOpQrSt' }, ['settings.groupId']],
    ['avito', { clientId: 'k8Hq2uVt0pX3aZ9m', clientSecret: 'Yx2Lm9Qw8Er7Ty6U', userId: 1 }, ['settings.userId']],
    ['widget', { allowedOrigins: [] }, ['settings.allowedOrigins']],
    ['widget', { allowedOrigins: ['https://a.example/'], color: '#fff' }, ['settings.allowedOrigins', 'settings.color']],
    ['widget', { allowedOrigins: ['https://a.example'], preChat: { fields: ['age'] } }, ['settings.preChat.fields']],
    ['widget', 'not an object', ['settings']],
  ])('refuses bad %s settings naming the fields (%j)', (type, settings, paths) => {
    expect(problems(type, settings)).toEqual(paths);
  });

  it('generates the secrets each platform accepts', () => {
    expect(registry.get('telegram').generateSecrets().webhookSecret).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(registry.get('vk').generateSecrets().webhookSecret).toMatch(/^[A-Za-z0-9]{1,50}$/);
    expect(registry.get('widget').generateSecrets()).toEqual({ webhookSecret: null, publicKey: expect.stringMatching(/^wk_/) });
  });

  it('refuses an unknown type and a second adapter for one type', () => {
    expect(() => registry.get('icq')).toThrow(expect.objectContaining({ code: ErrorCode.CHANNEL_TYPE_UNSUPPORTED }));
    expect(() => new ChannelTypeRegistry([new VkChannelTypeAdapter({ apiUrl: 'http://127.0.0.1:9' }), new VkChannelTypeAdapter({ apiUrl: 'http://127.0.0.1:9' })])).toThrow(/two channel-type adapters/);
  });

  it('availability: one property per adapter; an unavailable type is listed but refused with CHANNEL_TYPE_UNAVAILABLE', () => {
    // Each connector's issue flips its own type's flag; Telegram and the widget have theirs.
    expect(registry.catalog().map((t) => t.descriptor.type)).toEqual(['telegram', 'whatsapp', 'vk', 'avito', 'widget']);
    expect([registry.get('telegram').available, registry.get('widget').available]).toEqual([true, true]);
    // Whatever the flags are: an available type is returned as it is, an unavailable one refused naming the type.
    for (const { descriptor, available } of registry.catalog()) {
      if (available) expect(registry.requireAvailable(descriptor.type)).toBe(registry.get(descriptor.type));
      else expect(() => registry.requireAvailable(descriptor.type)).toThrow(expect.objectContaining({ code: ErrorCode.CHANNEL_TYPE_UNAVAILABLE }));
    }
    const parked = Object.assign(new VkChannelTypeAdapter({ apiUrl: 'http://127.0.0.1:9' }), { available: false });
    const withParked = new ChannelTypeRegistry([new TelegramChannelTypeAdapter({ apiRoot: 'http://127.0.0.1:9' }), parked]);
    expect(withParked.catalog().map((t) => [t.descriptor.type, t.available])).toEqual([
      ['telegram', true],
      ['vk', false],
    ]);
    expect(() => withParked.requireAvailable('vk')).toThrow(
      expect.objectContaining({ code: ErrorCode.CHANNEL_TYPE_UNAVAILABLE, params: { titleRu: 'ВКонтакте', titleEn: 'VK' }, details: [expect.objectContaining({ path: 'type' })] }),
    );
    expect(() => registry.requireAvailable('icq')).toThrow(expect.objectContaining({ code: ErrorCode.CHANNEL_TYPE_UNSUPPORTED }));
  });

  it('merges, picks and splits settings for PATCH and storage', () => {
    expect(mergeSettings({ a: 1, b: 2, c: 3 }, { b: 20, c: null })).toEqual({ a: 1, b: 20 });
    const tg = registry.get('telegram');
    expect(pickSettings(tg.settingsClass, { botToken: 't', botId: '1', botUsername: 'x' })).toEqual({ botToken: 't' });
    expect(splitSettings({ groupId: 1, accessToken: 's' }, ['accessToken'])).toEqual({ publicSettings: { groupId: 1 }, secrets: { accessToken: 's' } });
    expect(splitSettings({ allowedOrigins: [] }, [])).toEqual({ publicSettings: { allowedOrigins: [] }, secrets: null });
  });
});
