import { InboundMessageData, validateContract } from '@crm/contracts';
import type { VkCallback, VkMessage } from '../callback/vk-callback.types';
import { isVkCallback, normalizeVkCallback, vkMessageKey } from './normalize-callback';

const USER_ID = 712_345_678;
const DATE = 1_780_000_000;

function callback(type: string, object: unknown): VkCallback & { type: string } {
  return { type, object, group_id: 218_000_000, event_id: 'a1b2c3d4e5f6', v: '5.199', secret: 'S3cret' };
}

function messageNew(m: Partial<VkMessage>): VkCallback & { type: string } {
  return callback('message_new', { message: { id: 501, date: DATE, peer_id: USER_ID, from_id: USER_ID, text: '', conversation_message_id: 17, out: 0, ...m }, client_info: { lang_id: 0 } });
}

/** The normalized message, checked against the Kafka contract it will be produced with. */
function normalized(body: VkCallback & { type: string }): InboundMessageData {
  const result = normalizeVkCallback(body);
  if (result.outcome !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  expect(result.senderUserId).toBe(USER_ID);
  expect(result.eventId).toBe('a1b2c3d4e5f6');
  validateContract(InboundMessageData, result.message);
  return result.message;
}

describe('isVkCallback', () => {
  it('accepts an object with a string type only', () => {
    expect(isVkCallback({ type: 'message_new' })).toBe(true);
    expect(isVkCallback({ type: 1 })).toBe(false);
    expect(isVkCallback([])).toBe(false);
    expect(isVkCallback(null)).toBe(false);
    expect(isVkCallback('{"type":"x"}')).toBe(false);
  });
});

describe('normalizeVkCallback', () => {
  it('text: ids as strings (peer = chat, community message id), sender without name (users.get fills it), event new', () => {
    expect(normalized(messageNew({ text: 'Здравствуйте! Сколько стоит доставка?' }))).toEqual({
      channelType: 'vk',
      externalMessageId: '501',
      externalChatId: String(USER_ID),
      sender: { externalUserId: String(USER_ID) },
      kind: 'text',
      text: 'Здравствуйте! Сколько стоит доставка?',
      attachments: [],
      event: 'new',
      sentAt: new Date(DATE * 1000).toISOString(),
    });
  });

  it('photo: the largest size by area (the letter breaks a tie of unknown sizes), text as caption', () => {
    const message = normalized(
      messageNew({
        text: 'Вот такой нужен',
        attachments: [
          {
            type: 'photo',
            photo: {
              id: 457239017,
              owner_id: USER_ID,
              sizes: [
                { type: 's', url: 'https://sun9-1.userapi.com/s.jpg', width: 75, height: 56 },
                { type: 'w', url: 'https://sun9-1.userapi.com/w.jpg', width: 2560, height: 1920 },
                { type: 'x', url: 'https://sun9-1.userapi.com/x.jpg', width: 604, height: 453 },
              ],
            },
          },
        ],
      }),
    );
    expect(message).toMatchObject({ kind: 'image', text: 'Вот такой нужен' });
    expect(message.attachments).toEqual([{ kind: 'image', platformFileId: 'https://sun9-1.userapi.com/w.jpg', mimeType: 'image/jpeg', fileName: `photo${USER_ID}_457239017.jpg` }]);
    const legacy = normalized(messageNew({ attachments: [{ type: 'photo', photo: { id: 1, owner_id: 2, sizes: [{ type: 'z', url: 'https://v/z.jpg', width: 0, height: 0 }, { type: 'm', url: 'https://v/m.jpg', width: 0, height: 0 }] } }] }));
    expect(legacy.attachments[0].platformFileId).toBe('https://v/z.jpg');
    expect(legacy.text).toBeUndefined();
  });

  it('doc → document with its title, extension, size and mime type; several files keep their order', () => {
    const message = normalized(
      messageNew({
        attachments: [
          { type: 'doc', doc: { id: 1, owner_id: USER_ID, title: 'Договор', ext: 'pdf', size: 48213, url: 'https://vk.com/doc1_1?hash=h&dl=d', type: 1 } },
          { type: 'doc', doc: { id: 2, owner_id: USER_ID, title: 'scan.PNG', ext: 'png', size: 10, url: 'https://vk.com/doc1_2?hash=h', type: 4 } },
        ],
      }),
    );
    expect(message.kind).toBe('document');
    expect(message.attachments).toEqual([
      { kind: 'document', platformFileId: 'https://vk.com/doc1_1?hash=h&dl=d', mimeType: 'application/pdf', fileName: 'Договор.pdf', size: 48213 },
      { kind: 'document', platformFileId: 'https://vk.com/doc1_2?hash=h', mimeType: 'image/png', fileName: 'scan.PNG', size: 10 },
    ]);
  });

  it('audio_message → voice (ogg preferred over mp3), audio → audio', () => {
    const voice = normalized(messageNew({ attachments: [{ type: 'audio_message', audio_message: { id: 9, owner_id: USER_ID, duration: 4, link_mp3: 'https://psv4.userapi.com/a.mp3', link_ogg: 'https://psv4.userapi.com/a.ogg' } }] }));
    expect(voice).toMatchObject({ kind: 'voice', attachments: [{ kind: 'voice', platformFileId: 'https://psv4.userapi.com/a.ogg', mimeType: 'audio/ogg', fileName: `voice${USER_ID}_9.ogg` }] });
    const mp3Only = normalized(messageNew({ attachments: [{ type: 'audio_message', audio_message: { id: 9, owner_id: 1, link_mp3: 'https://psv4.userapi.com/a.mp3' } }] }));
    expect(mp3Only.attachments[0]).toMatchObject({ platformFileId: 'https://psv4.userapi.com/a.mp3', mimeType: 'audio/mpeg' });
    const audio = normalized(messageNew({ attachments: [{ type: 'audio', audio: { id: 3, owner_id: -5, artist: 'Artist', title: 'Song', url: 'https://cs1.vkuseraudio.net/s.mp3' } }] }));
    expect(audio.attachments).toEqual([{ kind: 'audio', platformFileId: 'https://cs1.vkuseraudio.net/s.mp3', mimeType: 'audio/mpeg', fileName: 'Artist — Song.mp3' }]);
  });

  it('video → video by its VK id (VK gives no file URL), its page and title in the context', () => {
    const message = normalized(messageNew({ attachments: [{ type: 'video', video: { id: 456239, owner_id: -1, title: 'Обзор', duration: 95, access_key: 'k3y' } }] }));
    expect(message.kind).toBe('video');
    expect(message.attachments).toEqual([{ kind: 'video', platformFileId: 'video-1_456239_k3y', mimeType: 'video/mp4', fileName: 'Обзор' }]);
    expect(message.context).toEqual({ videos: [{ url: 'https://vk.com/video-1_456239', title: 'Обзор', duration: 95 }] });
  });

  it('sticker → sticker with its largest image; graffiti → image', () => {
    const sticker = normalized(
      messageNew({
        attachments: [{ type: 'sticker', sticker: { product_id: 1, sticker_id: 77, images: [{ url: 'https://vk.com/sticker/1-77-64', width: 64, height: 64 }, { url: 'https://vk.com/sticker/1-77-512', width: 512, height: 512 }] } }],
      }),
    );
    expect(sticker).toMatchObject({ kind: 'sticker', attachments: [{ kind: 'sticker', platformFileId: 'https://vk.com/sticker/1-77-512', mimeType: 'image/png', fileName: 'sticker-77.png' }] });
    const graffiti = normalized(messageNew({ attachments: [{ type: 'graffiti', graffiti: { id: 5, owner_id: USER_ID, url: 'https://sun9-2.userapi.com/g.png', width: 100, height: 100 } }] }));
    expect(graffiti.attachments[0]).toMatchObject({ kind: 'image', platformFileId: 'https://sun9-2.userapi.com/g.png' });
  });

  it('wall, link and market without own text → a text of their parts, the parts in the context (the kit table)', () => {
    const wall = normalized(messageNew({ attachments: [{ type: 'wall', wall: { id: 33, owner_id: -218000000, from_id: -218000000, text: 'Скидки до пятницы' } }] }));
    expect(wall).toMatchObject({ kind: 'text', text: 'Скидки до пятницы\nhttps://vk.com/wall-218000000_33', attachments: [] });
    expect(wall.context).toEqual({ vkKind: 'wall', wall: { url: 'https://vk.com/wall-218000000_33' } });
    const market = normalized(messageNew({ attachments: [{ type: 'market', market: { id: 8, owner_id: -218000000, title: 'Велосипед', price: { amount: '1500000', text: '15 000 ₽' } } }] }));
    expect(market).toMatchObject({ kind: 'text', text: 'Велосипед\n15 000 ₽\nhttps://vk.com/product-218000000_8' });
    expect(market.context).toEqual({ vkKind: 'market', item: { title: 'Велосипед', url: 'https://vk.com/product-218000000_8', price: '15 000 ₽' } });
    const link = normalized(messageNew({ text: 'смотрите https://shop.example/x', attachments: [{ type: 'link', link: { url: 'https://shop.example/x', title: 'Товар', description: 'Описание' } }] }));
    expect(link).toMatchObject({ kind: 'text', text: 'смотрите https://shop.example/x' });
    expect(link.context).toEqual({ vkKind: 'link', link: { title: 'Товар', url: 'https://shop.example/x', description: 'Описание' } });
  });

  it('a kind the CRM cannot show (poll, gift, an unknown one) is unsupported, named in the context', () => {
    const poll = normalized(messageNew({ attachments: [{ type: 'poll', poll: { id: 1, question: 'Когда удобно?' } }] }));
    expect(poll).toMatchObject({ kind: 'unsupported', attachments: [], context: { vkKind: 'poll', poll: { title: 'Когда удобно?' } } });
    expect(poll.text).toBeUndefined();
    const unknown = normalized(messageNew({ attachments: [{ type: 'hologram', hologram: {} }] }));
    expect(unknown).toMatchObject({ kind: 'unsupported', context: { vkKind: 'hologram' } });
  });

  it('geo → location with the place; reply_message → the reply id; fwd_messages → the context', () => {
    const message = normalized(
      messageNew({
        text: 'Я здесь',
        geo: { type: 'point', coordinates: { latitude: 55.7558, longitude: 37.6173 }, place: { title: 'Красная площадь', city: 'Москва', country: 'Россия' } },
        reply_message: { id: 480, date: DATE - 60, peer_id: USER_ID, from_id: -218000000, text: 'Где вы?' },
        fwd_messages: [{ date: DATE - 3600, from_id: 1, text: 'Пересланное', attachments: [{ type: 'photo' }] }],
        ref: 'landing',
      }),
    );
    expect(message).toMatchObject({
      kind: 'location',
      text: 'Я здесь',
      location: { latitude: 55.7558, longitude: 37.6173, title: 'Красная площадь', address: 'Москва, Россия' },
      replyToExternalMessageId: '480',
      context: { forwarded: [{ fromId: '1', sentAt: new Date((DATE - 3600) * 1000).toISOString(), text: 'Пересланное', attachmentTypes: ['photo'] }], ref: 'landing' },
    });
  });

  it('message_edit → edit of the same external id at update_time', () => {
    const edit = normalized(callback('message_edit', { id: 501, date: DATE, update_time: DATE + 30, peer_id: USER_ID, from_id: USER_ID, text: 'исправлено', out: 0, conversation_message_id: 17 }));
    expect(edit).toMatchObject({ externalMessageId: '501', event: 'edit', text: 'исправлено', sentAt: new Date((DATE + 30) * 1000).toISOString() });
  });

  it('echoes of the community\'s own messages are skipped: message_reply, out = 1, an edit of our message', () => {
    expect(normalizeVkCallback(callback('message_reply', { id: 502, date: DATE, peer_id: USER_ID, from_id: -218000000, text: 'ответ', out: 1 }))).toEqual({
      outcome: 'skipped',
      eventId: 'a1b2c3d4e5f6',
      reason: 'echo',
      detail: 'message_reply',
    });
    expect(normalizeVkCallback(messageNew({ out: 1, text: 'x' }))).toMatchObject({ outcome: 'skipped', reason: 'echo' });
    expect(normalizeVkCallback(callback('message_edit', { id: 502, date: DATE, peer_id: USER_ID, from_id: -218000000, text: 'x', out: 1 }))).toMatchObject({ outcome: 'skipped', reason: 'echo' });
  });

  it('group chats (peer_id ≥ 2000000000) are skipped', () => {
    expect(normalizeVkCallback(messageNew({ id: 0, peer_id: 2_000_000_004, conversation_message_id: 9, text: 'всем привет' }))).toMatchObject({ outcome: 'skipped', reason: 'group-chat', detail: '2000000004' });
  });

  it('message_allow / message_deny → the permission to write to the user', () => {
    expect(normalizeVkCallback(callback('message_allow', { user_id: USER_ID, key: 'promo' }))).toEqual({ outcome: 'permission', eventId: 'a1b2c3d4e5f6', userId: USER_ID, externalChatId: String(USER_ID), allowed: true });
    expect(normalizeVkCallback(callback('message_deny', { user_id: USER_ID }))).toMatchObject({ outcome: 'permission', allowed: false });
    expect(normalizeVkCallback(callback('message_deny', {}))).toMatchObject({ outcome: 'skipped', reason: 'malformed' });
  });

  it('confirmation, other event types, and malformed messages', () => {
    expect(normalizeVkCallback({ type: 'confirmation', group_id: 218_000_000 })).toEqual({ outcome: 'confirmation', groupId: 218_000_000 });
    expect(normalizeVkCallback(callback('message_typing_state', { state: 'typing' }))).toMatchObject({ outcome: 'skipped', reason: 'event-type', detail: 'message_typing_state' });
    expect(normalizeVkCallback(callback('message_new', { message: { id: 1, peer_id: USER_ID, from_id: USER_ID } }))).toMatchObject({ outcome: 'skipped', reason: 'malformed' });
    expect(normalizeVkCallback(callback('message_new', 'nope'))).toMatchObject({ outcome: 'skipped', reason: 'malformed' });
  });

  it('is stable: the same body gives the same result (redeliveries dedupe downstream)', () => {
    const body = messageNew({ text: 'повтор' });
    expect(normalizeVkCallback(body)).toEqual(normalizeVkCallback(structuredClone(body)));
  });
});

describe('vkMessageKey', () => {
  it('is the message id, or peer + conversation message id where VK gives id 0', () => {
    expect(vkMessageKey({ id: 42, peer_id: 1, conversation_message_id: 7 })).toBe('42');
    expect(vkMessageKey({ id: 0, peer_id: 2_000_000_001, conversation_message_id: 7 })).toBe('2000000001_c7');
  });
});
