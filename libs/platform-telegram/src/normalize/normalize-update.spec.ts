import { InboundMessageData, validateContract } from '@crm/contracts';
import { isTelegramUpdate, mergeAlbum, normalizeTelegramUpdate, type NormalizedUpdate } from './normalize-update';
import type { TgMessage, TgUpdate } from './telegram-update';

const USER = { id: 5_000_000_001, is_bot: false, first_name: 'Анна', last_name: 'Петрова', username: 'anna_p' };
const CHAT = { id: 5_000_000_001, type: 'private', first_name: 'Анна', last_name: 'Петрова', username: 'anna_p' };
const DATE = 1_780_000_000;

function update(message: Partial<TgMessage>, extra: Partial<TgUpdate> = {}): TgUpdate & { update_id: number } {
  return { update_id: 900_001, message: { message_id: 42, from: USER, chat: CHAT, date: DATE, ...message }, ...extra };
}

/** The normalized message, checked against the Kafka contract it will be produced with. */
function normalized(u: TgUpdate & { update_id: number }): InboundMessageData {
  const result = normalizeTelegramUpdate(u);
  if (result.outcome !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  validateContract(InboundMessageData, result.message);
  return result.message;
}

describe('isTelegramUpdate', () => {
  it('accepts an object with an integer update_id and nothing else', () => {
    expect(isTelegramUpdate({ update_id: 1 })).toBe(true);
    expect(isTelegramUpdate({ update_id: '1' })).toBe(false);
    expect(isTelegramUpdate({ update_id: 1.5 })).toBe(false);
    expect(isTelegramUpdate([])).toBe(false);
    expect(isTelegramUpdate(null)).toBe(false);
    expect(isTelegramUpdate('{"update_id":1}')).toBe(false);
  });
});

describe('normalizeTelegramUpdate', () => {
  it('text: ids as strings, sender with name and username, ISO sentAt, event new', () => {
    expect(normalized(update({ text: 'Здравствуйте! Сколько стоит доставка?' }))).toEqual({
      channelType: 'telegram',
      // message_id counts per chat, so the chat id makes it unique per channel.
      externalMessageId: '5000000001:42',
      externalChatId: '5000000001',
      sender: { externalUserId: '5000000001', displayName: 'Анна Петрова', username: 'anna_p' },
      kind: 'text',
      text: 'Здравствуйте! Сколько стоит доставка?',
      attachments: [],
      event: 'new',
      sentAt: new Date(DATE * 1000).toISOString(),
    });
  });

  it('photo: the largest size, JPEG, caption as text', () => {
    const m = normalized(
      update({
        caption: 'вот так',
        photo: [
          { file_id: 'small', file_unique_id: 'u1', width: 90, height: 60, file_size: 1_000 },
          { file_id: 'large', file_unique_id: 'u3', width: 1280, height: 853, file_size: 120_000 },
          { file_id: 'medium', file_unique_id: 'u2', width: 320, height: 213, file_size: 12_000 },
        ],
      }),
    );
    expect(m.kind).toBe('image');
    expect(m.text).toBe('вот так');
    expect(m.attachments).toEqual([{ kind: 'image', platformFileId: 'large', mimeType: 'image/jpeg', fileName: 'photo-u3.jpg', size: 120_000 }]);
  });

  it('photo without caption has no text; without dimensions the last size wins', () => {
    const m = normalized(update({ photo: [{ file_id: 'a', file_unique_id: 'ua' }, { file_id: 'b', file_unique_id: 'ub' }] }));
    expect(m.text).toBeUndefined();
    expect(m.attachments[0].platformFileId).toBe('b');
  });

  it('document: its own file name, mime type and size', () => {
    const m = normalized(
      update({ caption: 'договор', document: { file_id: 'DOC1', file_unique_id: 'd1', file_name: 'Договор №5.pdf', mime_type: 'application/pdf', file_size: 48_213 } }),
    );
    expect(m.kind).toBe('document');
    expect(m.text).toBe('договор');
    expect(m.attachments).toEqual([{ kind: 'document', platformFileId: 'DOC1', mimeType: 'application/pdf', fileName: 'Договор №5.pdf', size: 48_213 }]);
  });

  it('voice: audio/ogg by default, a generated file name', () => {
    const m = normalized(update({ voice: { file_id: 'V1', file_unique_id: 'v1', file_size: 9_000 } }));
    expect(m.kind).toBe('voice');
    expect(m.attachments).toEqual([{ kind: 'voice', platformFileId: 'V1', mimeType: 'audio/ogg', fileName: 'voice-v1.ogg', size: 9_000 }]);
  });

  it('audio: keeps the mime type and file name Telegram gives', () => {
    const m = normalized(update({ audio: { file_id: 'A1', file_unique_id: 'a1', mime_type: 'audio/x-m4a', file_name: 'song.m4a', performer: 'X', title: 'Y' } }));
    expect(m.kind).toBe('audio');
    expect(m.attachments[0]).toEqual({ kind: 'audio', platformFileId: 'A1', mimeType: 'audio/x-m4a', fileName: 'song.m4a' });
  });

  it('video with caption', () => {
    const m = normalized(update({ caption: 'смотрите', video: { file_id: 'VID', file_unique_id: 'vid', mime_type: 'video/quicktime', file_size: 2_000_000 } }));
    expect(m.kind).toBe('video');
    expect(m.text).toBe('смотрите');
    expect(m.attachments[0]).toEqual({ kind: 'video', platformFileId: 'VID', mimeType: 'video/quicktime', fileName: 'video-vid.mp4', size: 2_000_000 });
  });

  it('video note: a video attachment (mp4) marked as video_note', () => {
    const m = normalized(update({ video_note: { file_id: 'VN', file_unique_id: 'vn', file_size: 300_000 } }));
    expect(m.kind).toBe('video');
    expect(m.attachments[0]).toEqual({ kind: 'video', platformFileId: 'VN', mimeType: 'video/mp4', fileName: 'video-note-vn.mp4', size: 300_000 });
    expect(m.context).toEqual({ telegramKind: 'video_note' });
  });

  it('animation: a video (not the document Telegram also sets), marked as animation', () => {
    const m = normalized(
      update({
        animation: { file_id: 'GIF', file_unique_id: 'g', file_name: 'fun.mp4', mime_type: 'video/mp4' },
        document: { file_id: 'GIF', file_unique_id: 'g', file_name: 'fun.mp4', mime_type: 'video/mp4' },
      }),
    );
    expect(m.kind).toBe('video');
    expect(m.attachments).toEqual([{ kind: 'video', platformFileId: 'GIF', mimeType: 'video/mp4', fileName: 'fun.mp4' }]);
    expect(m.context).toEqual({ telegramKind: 'animation' });
  });

  it.each([
    [{ is_animated: false, is_video: false }, 'image/webp', 'webp'],
    [{ is_animated: true, is_video: false }, 'application/x-tgsticker', 'tgs'],
    [{ is_animated: false, is_video: true }, 'video/webm', 'webm'],
  ])('sticker %j → %s, its emoji as text', (flags, mime, ext) => {
    const m = normalized(update({ sticker: { file_id: 'ST', file_unique_id: 'st', emoji: '👍', ...flags } }));
    expect(m.kind).toBe('sticker');
    expect(m.text).toBe('👍');
    expect(m.attachments).toEqual([{ kind: 'sticker', platformFileId: 'ST', mimeType: mime, fileName: `sticker-st.${ext}` }]);
  });

  it('location', () => {
    const m = normalized(update({ location: { latitude: 55.751244, longitude: 37.618423 } }));
    expect(m.kind).toBe('location');
    expect(m.location).toEqual({ latitude: 55.751244, longitude: 37.618423 });
    expect(m.attachments).toEqual([]);
  });

  it('venue: a location with title and address (not the bare location Telegram also sets)', () => {
    const location = { latitude: 59.9386, longitude: 30.3141 };
    const m = normalized(update({ location, venue: { location, title: 'Эрмитаж', address: 'Дворцовая пл., 2' } }));
    expect(m.kind).toBe('location');
    expect(m.location).toEqual({ ...location, title: 'Эрмитаж', address: 'Дворцовая пл., 2' });
    expect(m.context).toEqual({ telegramKind: 'venue' });
  });

  it('contact of someone else: the card, the sender keeps no phone', () => {
    const m = normalized(update({ contact: { phone_number: '79161234567', first_name: 'Иван', user_id: 777 } }));
    expect(m.kind).toBe('contact');
    expect(m.contact).toEqual({ phone: '79161234567', firstName: 'Иван', externalUserId: '777' });
    expect(m.sender.phone).toBeUndefined();
    expect(m.sender.phoneVerified).toBeUndefined();
  });

  it("contact with the user's own number sets the sender's phone, verified", () => {
    const m = normalized(update({ contact: { phone_number: '+7 916 123-45-67', first_name: 'Анна', last_name: 'Петрова', user_id: USER.id } }));
    expect(m.sender.phone).toBe('+7 916 123-45-67');
    expect(m.sender.phoneVerified).toBe(true);
    expect(m.contact).toEqual({ phone: '+7 916 123-45-67', firstName: 'Анна', lastName: 'Петрова', externalUserId: String(USER.id) });
  });

  it('reply: the replied-to message id', () => {
    const m = normalized(update({ text: 'да', reply_to_message: { message_id: 40 } }));
    expect(m.replyToExternalMessageId).toBe('5000000001:40');
  });

  it('edited message: event edit, the same externalMessageId, sentAt = edit_date', () => {
    const result = normalizeTelegramUpdate({
      update_id: 900_002,
      edited_message: { message_id: 42, from: USER, chat: CHAT, date: DATE, edit_date: DATE + 60, text: 'исправлено' },
    });
    expect(result.outcome).toBe('message');
    const m = (result as Extract<NormalizedUpdate, { outcome: 'message' }>).message;
    validateContract(InboundMessageData, m);
    expect(m).toMatchObject({ event: 'edit', externalMessageId: '5000000001:42', text: 'исправлено', sentAt: new Date((DATE + 60) * 1000).toISOString() });
  });

  it('album part: reports its media_group_id; an edited album part is a plain edit', () => {
    const part = normalizeTelegramUpdate(update({ media_group_id: 'MG1', photo: [{ file_id: 'p1', file_unique_id: 'q1' }] }));
    expect(part).toMatchObject({ outcome: 'message', albumId: 'MG1', message: { context: { mediaGroupId: 'MG1' } } });
    const edit = normalizeTelegramUpdate({
      update_id: 3,
      edited_message: { message_id: 42, from: USER, chat: CHAT, date: DATE, edit_date: DATE + 5, media_group_id: 'MG1', caption: 'x', photo: [{ file_id: 'p1' }] },
    });
    expect(edit.outcome).toBe('message');
    expect((edit as { albumId?: string }).albumId).toBeUndefined();
  });

  it('a message the CRM cannot show (poll, dice…) is kind unsupported, named in context', () => {
    const m = normalized(update({ dice: { emoji: '🎲', value: 4 } } as Partial<TgMessage>));
    expect(m.kind).toBe('unsupported');
    expect(m.context).toEqual({ telegramKind: 'dice' });
    expect(m.attachments).toEqual([]);
  });

  it('unknown fields are ignored', () => {
    const m = normalized(update({ text: 'hi', some_future_field: { x: 1 } } as Partial<TgMessage>, { guest_message: {} } as Partial<TgUpdate>));
    expect(m.text).toBe('hi');
  });

  it('a sender without a last name or username', () => {
    const m = normalized({ update_id: 1, message: { message_id: 1, date: DATE, chat: { id: 9, type: 'private' }, from: { id: 9, first_name: 'Bob' }, text: 'x' } });
    expect(m.sender).toEqual({ externalUserId: '9', displayName: 'Bob' });
  });

  it.each(['group', 'supergroup', 'channel'])('skips %s chats', (type) => {
    expect(normalizeTelegramUpdate(update({ chat: { id: -100123, type, title: 'g' }, text: 'hi' }))).toEqual({
      outcome: 'skipped',
      updateId: 900_001,
      reason: 'chat-type',
      detail: type,
    });
  });

  it.each([
    [{ callback_query: { id: '1', data: 'x' } }, 'callback_query'],
    [{ channel_post: { message_id: 1, chat: { id: -1, type: 'channel' }, date: DATE, text: 'x' } }, 'channel_post'],
    [{ my_chat_member: {} }, 'my_chat_member'],
    [{ business_message: {} }, 'business_message'],
    [{}, 'empty'],
  ])('skips update kinds other than message/edited_message (%j)', (rest, kind) => {
    expect(normalizeTelegramUpdate({ update_id: 7, ...rest })).toEqual({ outcome: 'skipped', updateId: 7, reason: 'update-kind', detail: kind });
  });

  it('skips a message without chat id or date', () => {
    expect(normalizeTelegramUpdate({ update_id: 8, message: { message_id: 1, chat: { type: 'private' }, date: DATE, text: 'x' } })).toMatchObject({
      outcome: 'skipped',
      reason: 'malformed-message',
    });
    expect(normalizeTelegramUpdate({ update_id: 8, message: { message_id: 1, chat: CHAT, text: 'x' } })).toMatchObject({ reason: 'malformed-message' });
  });

  it('a date no Date can hold is a malformed message, not a crash', () => {
    expect(normalizeTelegramUpdate(update({ text: 'x', date: 9_007_199_254_740_991 }))).toMatchObject({ outcome: 'skipped', reason: 'malformed-message' });
  });

  it('over-long fields are cut to the contract’s bounds, so the message always validates', () => {
    const long = 'я'.repeat(120_000);
    const m = normalized(update({ from: { ...USER, username: 'u'.repeat(2000) }, caption: long, document: { file_id: 'f'.repeat(2000), file_name: 'n'.repeat(2000) } }));
    expect(m.text).toHaveLength(100_000);
    expect(m.sender.username).toHaveLength(1000);
    expect(m.attachments[0].platformFileId).toHaveLength(1000);
    const venue = normalized(update({ venue: { location: { latitude: 1, longitude: 2 }, title: 't'.repeat(5000), address: 'a'.repeat(5000) } }));
    expect(venue.location).toMatchObject({ title: 't'.repeat(1000), address: 'a'.repeat(1000) });
  });

  it('is deterministic: the same update gives the same message', () => {
    const u = update({ text: 'same' });
    expect(normalizeTelegramUpdate(u)).toEqual(normalizeTelegramUpdate(JSON.parse(JSON.stringify(u))));
  });
});

describe('mergeAlbum', () => {
  const part = (id: number, fileId: string, caption?: string) =>
    normalized(update({ message_id: id, media_group_id: 'MG', ...(caption ? { caption } : {}), photo: [{ file_id: fileId, file_unique_id: fileId }] }));

  it('one message: all attachments in message order, the caption, the first part id', () => {
    const merged = mergeAlbum([part(12, 'c'), part(10, 'a', 'наш заказ'), part(11, 'b')]);
    validateContract(InboundMessageData, merged);
    expect(merged.externalMessageId).toBe('5000000001:10');
    expect(merged.kind).toBe('image');
    expect(merged.text).toBe('наш заказ');
    expect(merged.attachments.map((a) => a.platformFileId)).toEqual(['a', 'b', 'c']);
    expect(merged.context).toEqual({ mediaGroupId: 'MG', albumMessageIds: ['5000000001:10', '5000000001:11', '5000000001:12'] });
  });

  it('orders parts by message number, not as text (9 before 10)', () => {
    expect(mergeAlbum([part(10, 'second'), part(9, 'first')]).attachments.map((a) => a.platformFileId)).toEqual(['first', 'second']);
  });

  it('a redelivered part does not duplicate its attachment', () => {
    const merged = mergeAlbum([part(10, 'a'), part(11, 'b'), part(11, 'b')]);
    expect(merged.attachments.map((a) => a.platformFileId)).toEqual(['a', 'b']);
    expect(merged.text).toBeUndefined();
  });

  it('keeps a reply-to from any part and refuses an empty album', () => {
    const reply = normalized(update({ message_id: 21, media_group_id: 'MG', reply_to_message: { message_id: 3 }, photo: [{ file_id: 'z' }] }));
    expect(mergeAlbum([part(20, 'y'), reply]).replyToExternalMessageId).toBe('5000000001:3');
    expect(() => mergeAlbum([])).toThrow('no parts');
  });
});
