import { InboundMessageData, validateContract } from '@crm/contracts';
import type { WaMessage, WaStatus, WaWebhook } from '../webhook/whatsapp-webhook.types';
import { isWhatsappWebhook, normalizeWhatsappWebhook } from './normalize-webhook';

// Payload shapes from pywa tests/data/updates (message.json, message_status.json, callback_button.json,
// callback_selection.json) and PLATFORMS.md §2.
const PHONE_NUMBER_ID = '106540352242922';
const WA_ID = '79161234567';
const TS = '1767268800'; // 2026-01-01T12:00:00Z

function body(value: Record<string, unknown>, extra: Partial<WaWebhook> = {}): WaWebhook {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550123', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
    ...extra,
  };
}

function one(message: Partial<WaMessage> & { type: string }, contacts: unknown[] = [{ profile: { name: 'Иван Петров' }, wa_id: WA_ID }]): InboundMessageData {
  const result = normalizeWhatsappWebhook(body({ contacts, messages: [{ from: WA_ID, id: 'wamid.HBgLNzkxNjEyMzQ1NjcVAgASGBQzQTRBNjU', timestamp: TS, ...message }] }));
  expect(result.skipped).toEqual([]);
  expect(result.messages).toHaveLength(1);
  expect(result.messages[0].phoneNumberId).toBe(PHONE_NUMBER_ID);
  // Every normalized message is a valid contract record.
  return validateContract(InboundMessageData, result.messages[0].message);
}

describe('normalizeWhatsappWebhook — message kinds', () => {
  it('text: the sender is keyed on wa_id, with a verified E.164 phone and the profile name', () => {
    const m = one({ type: 'text', text: { body: 'Здравствуйте! Есть доставка?' } });
    expect(m).toEqual({
      channelType: 'whatsapp',
      externalMessageId: 'wamid.HBgLNzkxNjEyMzQ1NjcVAgASGBQzQTRBNjU',
      externalChatId: WA_ID,
      sender: { externalUserId: WA_ID, displayName: 'Иван Петров', phone: '+79161234567', phoneVerified: true },
      kind: 'text',
      text: 'Здравствуйте! Есть доставка?',
      attachments: [],
      event: 'new',
      sentAt: '2026-01-01T12:00:00.000Z',
    });
  });

  it.each([
    ['image', { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc', caption: 'фото товара' }, 'image', 'image', 'image-1479537139650973.jpg', 'фото товара'],
    ['video', { id: '2011', mime_type: 'video/mp4', sha256: 'abc' }, 'video', 'video', 'video-2011.mp4', undefined],
    ['document', { id: '3011', mime_type: 'application/pdf', sha256: 'abc', filename: 'счёт.pdf', caption: 'счёт' }, 'document', 'document', 'счёт.pdf', 'счёт'],
    ['sticker', { id: '4011', mime_type: 'image/webp', sha256: 'abc', animated: false }, 'sticker', 'sticker', 'sticker-4011.webp', undefined],
  ])('%s: one attachment with the media id, mime type, a file name and the caption as text', (type, media, kind, attachmentKind, fileName, caption) => {
    const m = one({ type, [type]: media });
    expect(m.kind).toBe(kind);
    expect(m.attachments).toEqual([{ kind: attachmentKind, platformFileId: media.id, mimeType: media.mime_type, fileName }]);
    expect(m.text).toBe(caption);
  });

  it('audio vs voice: a voice note is type audio with voice:true', () => {
    const voice = one({ type: 'audio', audio: { id: '5011', mime_type: 'audio/ogg; codecs=opus', sha256: 'x', voice: true } });
    expect(voice.kind).toBe('voice');
    expect(voice.attachments).toEqual([{ kind: 'voice', platformFileId: '5011', mimeType: 'audio/ogg; codecs=opus', fileName: 'voice-5011.ogg' }]);
    const audio = one({ type: 'audio', audio: { id: '5012', mime_type: 'audio/mpeg', sha256: 'x', voice: false } });
    expect(audio.kind).toBe('audio');
    expect(audio.attachments[0]).toMatchObject({ kind: 'audio', fileName: 'audio-5012.mp3' });
  });

  it('media file_size is taken as a number or a numeric string', () => {
    expect(one({ type: 'image', image: { id: '1', mime_type: 'image/png', file_size: '2048' } as never }).attachments[0].size).toBe(2048);
    expect(one({ type: 'image', image: { id: '1', mime_type: 'image/png', file_size: 10 } }).attachments[0].size).toBe(10);
  });

  it('location with name and address; the url stays in context', () => {
    const m = one({ type: 'location', location: { latitude: 55.7558, longitude: 37.6173, name: 'ТЦ Европейский', address: 'пл. Киевского Вокзала, 2', url: 'https://maps.example/x' } });
    expect(m.kind).toBe('location');
    expect(m.location).toEqual({ latitude: 55.7558, longitude: 37.6173, title: 'ТЦ Европейский', address: 'пл. Киевского Вокзала, 2' });
    expect(m.context).toEqual({ locationUrl: 'https://maps.example/x' });
  });

  it('shared contacts: the first card with a phone is the contact; several cards are all kept in context', () => {
    const m = one({
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Без номера' }, phones: [] },
        { name: { formatted_name: 'Анна Смирнова', first_name: 'Анна', last_name: 'Смирнова' }, phones: [{ phone: '+7 (903) 555-12-34', wa_id: '79035551234', type: 'CELL' }] },
      ],
    });
    expect(m.kind).toBe('contact');
    expect(m.contact).toEqual({ phone: '+7 (903) 555-12-34', firstName: 'Анна', lastName: 'Смирнова', externalUserId: '79035551234' });
    expect(m.context?.contacts).toEqual([
      { name: 'Без номера', phones: [] },
      { name: 'Анна Смирнова', phones: [{ phone: '+7 (903) 555-12-34', waId: '79035551234', type: 'CELL' }] },
    ]);
    // A shared contact is never the sender's own phone.
    expect(m.sender.phone).toBe('+79161234567');
  });

  it('interactive button and list replies: the title as text, the id in context', () => {
    const button = one({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'confirm-42', title: 'Подтвердить' } } });
    expect(button).toMatchObject({ kind: 'text', text: 'Подтвердить', context: { whatsappKind: 'interactive', reply: { type: 'button_reply', id: 'confirm-42' } } });
    const list = one({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'size-m', title: 'M', description: 'Средний' } } });
    expect(list).toMatchObject({ kind: 'text', text: 'M', context: { whatsappKind: 'interactive', reply: { type: 'list_reply', id: 'size-m', description: 'Средний' } } });
    // Without a title there is nothing to read: unsupported, never an empty text.
    expect(one({ type: 'interactive', interactive: { type: 'nfm_reply' } })).toMatchObject({ kind: 'unsupported', context: { whatsappKind: 'interactive' } });
  });

  it('a template quick-reply button: its text, the payload in context', () => {
    const m = one({ type: 'button', button: { payload: 'STOP_PROMO', text: 'Отписаться' } });
    expect(m).toMatchObject({ kind: 'text', text: 'Отписаться', context: { whatsappKind: 'button', reply: { payload: 'STOP_PROMO' } } });
  });

  it('a reply carries the replied-to wamid; forwarded and ad referrals go to context', () => {
    const reply = one({ type: 'text', text: { body: 'да' }, context: { from: '15550123', id: 'wamid.OUR_MESSAGE' } });
    expect(reply.replyToExternalMessageId).toBe('wamid.OUR_MESSAGE');
    const forwarded = one({ type: 'text', text: { body: 'fw' }, context: { forwarded: true, frequently_forwarded: true } });
    expect(forwarded.context).toEqual({ forwarded: true, frequentlyForwarded: true });
    const referral = { source_url: 'https://fb.me/ad', source_type: 'ad', source_id: '1202', headline: 'Скидка', ctwa_clid: 'ARAkLkA8' };
    const ad = one({ type: 'text', text: { body: 'хочу скидку' }, referral });
    expect(ad.context).toEqual({ referral });
  });

  it('unsupported and unknown types: kind unsupported with the type and the errors in context', () => {
    const m = one({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }] });
    expect(m).toMatchObject({ kind: 'unsupported', attachments: [], context: { whatsappKind: 'unsupported', unsupported: { errors: [{ code: 131051, title: 'Message type unknown' }] } } });
    expect(m.text).toBeUndefined();
    expect(one({ type: 'order', order: { catalog_id: '1' } } as never)).toMatchObject({ kind: 'unsupported', context: { whatsappKind: 'order' } });
    // A known type whose content is missing is unsupported too, never a broken record.
    expect(one({ type: 'image' })).toMatchObject({ kind: 'unsupported', context: { whatsappKind: 'image' } });
  });

  it('reactions are not messages: skipped and counted', () => {
    const result = normalizeWhatsappWebhook(body({ messages: [{ from: WA_ID, id: 'wamid.R', timestamp: TS, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } }] }));
    expect(result.messages).toEqual([]);
    expect(result.skipped).toEqual([{ reason: 'reaction', detail: 'wamid.R' }]);
  });
});

describe('normalizeWhatsappWebhook — identity (2026 business-scoped user ids)', () => {
  it('keyed on the BSUID when present, the wa_id kept as the verified phone and linked in context', () => {
    const m = one(
      { type: 'text', text: { body: 'hi' }, from_user_id: 'US.13491208655302741918' },
      [{ profile: { name: 'Ivan', username: '@ivan_shop' }, wa_id: WA_ID, user_id: 'US.13491208655302741918', parent_user_id: 'US.ENT.99' }],
    );
    expect(m.externalChatId).toBe('US.13491208655302741918');
    expect(m.sender).toEqual({ externalUserId: 'US.13491208655302741918', displayName: 'Ivan', username: 'ivan_shop', phone: '+79161234567', phoneVerified: true });
    expect(m.context?.whatsappUser).toEqual({ userId: 'US.13491208655302741918', waId: WA_ID, parentUserId: 'US.ENT.99' });
  });

  it('a user with a username and no phone: keyed on the BSUID, no phone at all', () => {
    const result = normalizeWhatsappWebhook(
      body({
        contacts: [{ profile: { name: 'Ivan', username: 'ivan_shop' }, user_id: 'US.1349' }],
        messages: [{ from_user_id: 'US.1349', id: 'wamid.U', timestamp: TS, type: 'text', text: { body: 'hi' } }],
      }),
    );
    const m = validateContract(InboundMessageData, result.messages[0].message);
    expect(m.sender).toEqual({ externalUserId: 'US.1349', displayName: 'Ivan', username: 'ivan_shop' });
    expect(m.externalChatId).toBe('US.1349');
  });

  it('with several contacts, each message takes its own sender', () => {
    const result = normalizeWhatsappWebhook(
      body({
        contacts: [
          { profile: { name: 'A' }, wa_id: '79990000001' },
          { profile: { name: 'B' }, wa_id: '79990000002' },
        ],
        messages: [
          { from: '79990000002', id: 'wamid.2', timestamp: TS, type: 'text', text: { body: 'b' } },
          { from: '79990000001', id: 'wamid.1', timestamp: TS, type: 'text', text: { body: 'a' } },
        ],
      }),
    );
    expect(result.messages.map((x) => [x.message.externalMessageId, x.message.sender.displayName, x.message.sender.phone])).toEqual([
      ['wamid.2', 'B', '+79990000002'],
      ['wamid.1', 'A', '+79990000001'],
    ]);
  });
});

describe('normalizeWhatsappWebhook — statuses and batching', () => {
  const status = (s: Partial<WaStatus>): WaStatus => ({ id: 'wamid.OUT1', status: 'delivered', timestamp: TS, recipient_id: WA_ID, ...s });

  it('sent / delivered / read become status reports; never stored as inbound messages', () => {
    const result = normalizeWhatsappWebhook(body({ statuses: [status({ status: 'sent' }), status({ status: 'delivered' }), status({ status: 'read' })] }));
    expect(result.messages).toEqual([]);
    expect(result.statuses).toEqual(
      ['sent', 'delivered', 'read'].map((s) => ({ phoneNumberId: PHONE_NUMBER_ID, externalMessageId: 'wamid.OUT1', recipient: WA_ID, status: s, at: '2026-01-01T12:00:00.000Z' })),
    );
  });

  it('failed carries the Graph error code and a stable code (131047 → WHATSAPP_WINDOW_CLOSED)', () => {
    const result = normalizeWhatsappWebhook(
      body({ statuses: [status({ status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'more than 24 hours' } }] }), status({ id: 'wamid.OUT2', status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] })] }),
    );
    expect(result.statuses.map((s) => [s.externalMessageId, s.graphErrorCode, s.errorCode, s.errorMessage])).toEqual([
      ['wamid.OUT1', 131047, 'WHATSAPP_WINDOW_CLOSED', '131047 Re-engagement message more than 24 hours'],
      ['wamid.OUT2', 131026, 'WHATSAPP_UNDELIVERABLE', '131026 Message undeliverable'],
    ]);
  });

  it('played and unknown statuses are skipped; a BSUID recipient is used when present', () => {
    const result = normalizeWhatsappWebhook(body({ statuses: [status({ status: 'played' }), status({ recipient_user_id: 'US.77', status: 'read' })] }));
    expect(result.skipped).toEqual([{ reason: 'status-kind', detail: 'played' }]);
    expect(result.statuses.map((s) => s.recipient)).toEqual(['US.77']);
  });

  it('every entry and change of a batched POST is handled; other fields and Meta errors are skipped', () => {
    const value = (n: string, id: string) => ({
      messaging_product: 'whatsapp',
      metadata: { phone_number_id: n },
      contacts: [{ profile: { name: 'X' }, wa_id: WA_ID }],
      messages: [{ from: WA_ID, id, timestamp: TS, type: 'text', text: { body: id } }],
    });
    const result = normalizeWhatsappWebhook({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: value('111111', 'wamid.a') }, { field: 'message_template_status_update', value: { event: 'APPROVED' } as never }] },
        { id: '2', changes: [{ field: 'messages', value: { ...value('222222', 'wamid.b'), statuses: [status({})], errors: [{ code: 131000, title: 'Something went wrong' }] } }] },
      ],
    });
    expect(result.messages.map((m) => [m.phoneNumberId, m.message.externalMessageId])).toEqual([
      ['111111', 'wamid.a'],
      ['222222', 'wamid.b'],
    ]);
    expect(result.statuses.map((s) => s.phoneNumberId)).toEqual(['222222']);
    expect(result.skipped).toEqual([
      { reason: 'field', detail: 'message_template_status_update' },
      { reason: 'platform-error', detail: '131000 Something went wrong' },
    ]);
  });

  it('messages without ids, timestamp or sender are skipped as malformed, the rest of the batch still goes', () => {
    const result = normalizeWhatsappWebhook(
      body({
        messages: [
          { from: WA_ID, timestamp: TS, type: 'text', text: { body: 'no id' } },
          { id: 'wamid.noSender', timestamp: TS, type: 'text', text: { body: 'x' } },
          { from: WA_ID, id: 'wamid.badTs', timestamp: 'yesterday', type: 'text', text: { body: 'x' } },
          { from: WA_ID, id: 'wamid.ok', timestamp: TS, type: 'text', text: { body: 'ok' } },
        ],
      }),
    );
    expect(result.messages.map((m) => m.message.externalMessageId)).toEqual(['wamid.ok']);
    expect(result.skipped.map((s) => s.reason)).toEqual(['malformed', 'malformed', 'malformed']);
  });

  it('the same body always normalizes the same (redeliveries dedupe on the wamid)', () => {
    const b = body({ contacts: [{ wa_id: WA_ID }], messages: [{ from: WA_ID, id: 'wamid.same', timestamp: TS, type: 'text', text: { body: 'x' } }] });
    expect(normalizeWhatsappWebhook(b)).toEqual(normalizeWhatsappWebhook(JSON.parse(JSON.stringify(b)) as WaWebhook));
  });

  it('isWhatsappWebhook accepts only whatsapp_business_account bodies with entries', () => {
    expect(isWhatsappWebhook(body({}))).toBe(true);
    expect(isWhatsappWebhook({ object: 'page', entry: [] })).toBe(false);
    expect(isWhatsappWebhook({ object: 'whatsapp_business_account' })).toBe(false);
    expect(isWhatsappWebhook([])).toBe(false);
  });
});
