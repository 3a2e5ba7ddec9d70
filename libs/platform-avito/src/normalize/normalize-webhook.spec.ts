import { decodeEnvelope, createEnvelope, encodeEnvelope, InboundMessageData } from '@crm/contracts';
import type { AvitoWebhookBody } from '../api/avito-api.types';
import { chatFactsOf, withChatFacts } from './listing';
import { isAvitoWebhook, MISSED_CALL_TEXT, normalizeAvitoWebhook, type NormalizedAvitoWebhook } from './normalize-webhook';

const USER = 94235311;
const CLIENT = 185733611;
const CREATED = 1_764_580_000;

const body = (value: Record<string, unknown>, payloadType = 'message'): AvitoWebhookBody & { payload: object } => ({
  id: 'b7a2e9c1-webhook',
  version: 'v3.0.0',
  timestamp: CREATED,
  payload: {
    type: payloadType,
    value: {
      id: 'a1b2c3d4e5',
      chat_id: 'u2i-PJIhHcCgUxG3VANaVHd8Rg',
      user_id: USER,
      author_id: CLIENT,
      created: CREATED,
      type: 'text',
      chat_type: 'u2i',
      content: { text: 'Здравствуйте! Велосипед ещё продаётс?' },
      item_id: 4012345678,
      published_at: '2025-12-01T09:06:40Z',
      read: null,
      ...value,
    },
  },
});

const message = (result: NormalizedAvitoWebhook): InboundMessageData => {
  if (result.outcome !== 'message') throw new Error(`skipped: ${result.reason} ${result.detail}`);
  // Every normalized message must pass the contract as strictly as the producer checks it.
  const envelope = createEnvelope('message.inbound', result.message, { accountId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', channelId: '0b5a3b52-5f5c-4e59-9d43-4f0ba1d6c1a1' });
  decodeEnvelope(encodeEnvelope(envelope), InboundMessageData);
  return result.message;
};

describe('normalizeAvitoWebhook', () => {
  it('turns a text message into the normalized inbound message with stable ids', () => {
    const result = normalizeAvitoWebhook(body({}));
    expect(message(result)).toEqual({
      channelType: 'avito',
      externalMessageId: 'a1b2c3d4e5',
      externalChatId: 'u2i-PJIhHcCgUxG3VANaVHd8Rg',
      sender: { externalUserId: String(CLIENT) },
      kind: 'text',
      text: 'Здравствуйте! Велосипед ещё продаётс?',
      attachments: [],
      event: 'new',
      sentAt: new Date(CREATED * 1000).toISOString(),
      context: { avito: { type: 'text', chatType: 'u2i', itemId: 4012345678 } },
    });
    expect(result).toMatchObject({ meta: { userId: USER, chatId: 'u2i-PJIhHcCgUxG3VANaVHd8Rg', chatType: 'u2i', itemId: 4012345678, avitoType: 'text' } });
    expect(normalizeAvitoWebhook(body({}))).toEqual(result);
  });

  it('keeps the largest image size', () => {
    const sizes = { '140x105': 'https://img/s.jpg', '1280x960': 'https://img/l.jpg', '640x480': 'https://img/m.jpg', thumb: 'https://img/t.jpg' };
    const m = message(normalizeAvitoWebhook(body({ type: 'image', content: { image: { sizes } } })));
    expect(m.kind).toBe('image');
    expect(m.attachments).toEqual([{ kind: 'image', platformFileId: 'https://img/l.jpg', mimeType: 'image/jpeg', fileName: 'image-a1b2c3d4e5.jpg' }]);
  });

  it('keeps a voice message by its voice id (resolved through getVoiceFiles when opened)', () => {
    const m = message(normalizeAvitoWebhook(body({ type: 'voice', content: { voice: { voice_id: 'v-77' } } })));
    expect(m).toMatchObject({ kind: 'voice', attachments: [{ kind: 'voice', platformFileId: 'v-77', mimeType: 'audio/mp4' }] });
  });

  it('reads a shared listing, a link and a location', () => {
    const item = message(normalizeAvitoWebhook(body({ type: 'item', content: { item: { title: 'Диван', item_url: 'https://avito.ru/1', image_url: 'https://img/1', price_string: '5 000 ₽' } } })));
    expect(item).toMatchObject({ kind: 'text', text: 'Диван\n5 000 ₽\nhttps://avito.ru/1', context: { avitoKind: 'item', item: { title: 'Диван', url: 'https://avito.ru/1', imageUrl: 'https://img/1', price: '5 000 ₽' } } });

    const link = message(normalizeAvitoWebhook(body({ type: 'link', content: { link: { text: 'смотрите', url: 'https://example.com/a', preview: { title: 'A' } } } })));
    expect(link).toMatchObject({ kind: 'text', text: 'смотрите\nhttps://example.com/a', context: { avitoKind: 'link', link: { url: 'https://example.com/a', preview: { title: 'A' } } } });

    const location = message(normalizeAvitoWebhook(body({ type: 'location', content: { location: { lat: 55.75, lon: 37.61, title: 'Кремль', text: 'Москва' } } })));
    expect(location).toMatchObject({ kind: 'location', location: { latitude: 55.75, longitude: 37.61, title: 'Кремль', address: 'Москва' } });
  });

  it('records a missed call as a message', () => {
    const m = message(normalizeAvitoWebhook(body({ type: 'call', content: { call: { status: 'missed', target_user_id: USER } } })));
    expect(m).toMatchObject({ kind: 'unsupported', text: MISSED_CALL_TEXT, context: { avitoKind: 'call', call: { status: 'missed', targetUserId: String(USER) } } });
  });

  it('turns deleted into a delete event of the same message id', () => {
    const m = message(normalizeAvitoWebhook(body({ type: 'deleted', content: {} })));
    expect(m).toMatchObject({ event: 'delete', externalMessageId: 'a1b2c3d4e5', attachments: [] });
    expect(m.text).toBeUndefined();
  });

  it('marks appCall, file, video and content-less kinds unsupported', () => {
    for (const type of ['appCall', 'file', 'video', 'image', 'brand-new-kind']) {
      const m = message(normalizeAvitoWebhook(body({ type, content: {} })));
      expect(m).toMatchObject({ kind: 'unsupported', attachments: [], context: { avito: { type } } });
    }
  });

  it('skips our own echo, system messages, other payload types and malformed messages', () => {
    expect(normalizeAvitoWebhook(body({ author_id: USER }))).toEqual({ outcome: 'skipped', reason: 'echo', detail: 'text' });
    expect(normalizeAvitoWebhook(body({ type: 'system', content: { flow_id: 'bot-1' } }))).toEqual({ outcome: 'skipped', reason: 'system', detail: 'bot-1' });
    expect(normalizeAvitoWebhook(body({}, 'chat_read'))).toMatchObject({ outcome: 'skipped', reason: 'payload-type' });
    for (const broken of [{ id: '' }, { chat_id: 5 }, { user_id: '94235311' }, { author_id: null }, { created: 'x', published_at: 'never' }]) {
      expect(normalizeAvitoWebhook(body(broken))).toMatchObject({ outcome: 'skipped', reason: 'malformed-message' });
    }
    expect(normalizeAvitoWebhook({ payload: { type: 'message', value: null } })).toMatchObject({ reason: 'malformed-message' });
  });

  it('falls back to published_at when created is missing', () => {
    const m = message(normalizeAvitoWebhook(body({ created: undefined, published_at: '2025-12-01T09:06:40Z' })));
    expect(m.sentAt).toBe('2025-12-01T09:06:40.000Z');
  });

  it('recognizes a webhook body', () => {
    expect(isAvitoWebhook(body({}))).toBe(true);
    for (const v of [null, [], 'x', {}, { payload: 'x' }]) expect(isAvitoWebhook(v)).toBe(false);
  });
});

describe('listing context', () => {
  const info = {
    id: 'u2i-1',
    context: { type: 'item', value: { id: 4012345678, title: 'Велосипед Stels', url: 'https://avito.ru/4012345678', price_string: '12 000 ₽', status_id: 1 } },
    users: [{ id: USER, name: 'Магазин' }, { id: CLIENT, name: 'Иван' }],
  };

  it('takes the item and the other user\'s name from chat info', () => {
    expect(chatFactsOf(info, USER)).toEqual({ item: { id: '4012345678', title: 'Велосипед Stels', url: 'https://avito.ru/4012345678', price: '12 000 ₽' }, clientName: 'Иван' });
    expect(chatFactsOf({ users: [{ id: USER, name: 'Магазин' }] }, USER)).toEqual({});
    expect(chatFactsOf({ context: { type: 'profile', value: { id: 1, title: 'x' } } }, USER)).toEqual({});
  });

  it('puts them into the message context and the sender', () => {
    const m = message(normalizeAvitoWebhook(body({})));
    const enriched = withChatFacts(m, chatFactsOf(info, USER));
    expect(enriched.sender).toEqual({ externalUserId: String(CLIENT), displayName: 'Иван' });
    expect(enriched.context).toEqual({ avito: { type: 'text', chatType: 'u2i', itemId: 4012345678 }, item: { id: '4012345678', title: 'Велосипед Stels', url: 'https://avito.ru/4012345678', price: '12 000 ₽' } });
    expect(withChatFacts(m, {})).toBe(m);
  });
});
