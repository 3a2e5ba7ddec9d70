import { EventProducer } from '@crm/messaging';
import { FakeTelegramServer, waitFor } from '@crm/testing';
import { apiService } from '../../../apps/api/src/api.service-definition';
import { connectorTelegramService } from '../../../apps/connector-telegram/src/connector-telegram.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

// The first whole slice, every service running against real Kafka and Postgres, Telegram replaced by the fake Bot API:
// a channel created through the API → the webhook registered → updates of every kind posted to the public webhook
// become messages in dialogs with a client and a lead → an agent's reply reaches the customer.
describe('Telegram slice: channel → webhook → dialog, client, lead → agent reply', () => {
  let tg: FakeTelegramServer;
  let stack: Stack;
  let admin: string;
  let agent: string;
  let bot: { token: string };
  let channelId: string;
  let funnel: { id: string; stages: Array<{ id: string }> };
  const ANNA = { id: 7_100_000_001, is_bot: false, first_name: 'Анна', last_name: 'Петрова', username: 'anna_p' };
  const BORIS = { id: 7_100_000_002, is_bot: false, first_name: 'Борис' };
  let nextMessageId = 100;
  let photoFile: { file_id: string; file_unique_id: string };
  const photoBytes = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes of the photo', 'latin1');

  const api = (method: string, path: string, body?: unknown, token = admin) => stack.request(method, path, { token, body });
  const message = (from: typeof ANNA | typeof BORIS, content: Record<string, unknown>, messageId = ++nextMessageId) => ({
    message: { message_id: messageId, from, chat: { id: from.id, type: 'private', first_name: from.first_name }, date: Math.floor(Date.now() / 1000), ...content },
  });
  const deliver = async (update: Record<string, unknown>) => {
    const answer = await tg.deliverUpdate(bot.token, update);
    expect(answer.status).toBe(200);
    return answer;
  };
  const dialogOf = (chatId: number) =>
    waitFor(async () => {
      const res = await api('GET', `/api/v1/dialogs?channelId=${channelId}`, undefined, agent);
      return (res.body.items as Array<Record<string, any>> | undefined)?.find((d) => d.externalChatId === String(chatId));
    }, 20_000, `dialog of chat ${chatId}`);
  const messagesOf = async (dialogId: string): Promise<Array<Record<string, any>>> => {
    const res = await api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=100`, undefined, agent);
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const messageWith = (dialogId: string, externalId: string, check: (m: Record<string, any>) => boolean = () => true) =>
    waitFor(async () => (await messagesOf(dialogId)).find((m) => m.direction === 'in' && m.externalId === externalId && check(m)), 20_000, `message ${externalId}`);

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    stack = await startStack(
      [
        { name: 'api', definition: apiService as never, routes: ['/api/'] },
        { name: 'lead-routing', definition: leadRoutingService as never },
        { name: 'connector-telegram', definition: connectorTelegramService as never, routes: ['/webhooks/telegram/'] },
      ],
      { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_ALBUM_WAIT_MS: '300', TELEGRAM_HEALTH_INTERVAL_MS: '1000' },
    );
    const accountId = await stack.createAccount('Магазин');
    admin = stack.token(accountId, 'admin');
    agent = stack.token(accountId, 'agent');
    bot = tg.addBot({ username: 'shop_bot' });
    photoFile = tg.addFile(bot.token, photoBytes, { fileName: 'photo.jpg' });
    const created = await api('POST', '/api/v1/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }, { name: 'В работе' }] });
    expect(created.status).toBe(201);
    funnel = created.body;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await tg?.close();
  });

  it('creating a Telegram channel through the API registers its webhook: the public URL, a secret, no token in the URL', async () => {
    const res = await api('POST', '/api/v1/channels', {
      name: 'Telegram бот',
      type: 'telegram',
      description: 'канал на лендинге',
      integrationId: null,
      routing: { funnelId: funnel.id, stageId: funnel.stages[1].id, createLeadOnFirstMessage: true, findExistingLead: false, createClientOnFirstMessage: true, autoMatchClient: false },
      settings: { botToken: bot.token },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    channelId = res.body.id;
    const webhook = await waitFor(() => tg.webhookOf(bot.token), 20_000, 'setWebhook');
    expect(webhook.url).toBe(`${stack.publicUrl}/webhooks/telegram/${channelId}`);
    expect(webhook.url).not.toContain(bot.token);
    expect(webhook.secretToken).toMatch(/^[A-Za-z0-9_-]{16,256}$/);
    expect(webhook.allowedUpdates).toEqual(['message', 'edited_message']);
  });

  it('updates of every kind become messages of the right kind in the sender’s dialog, with client and lead per the routing', async () => {
    const t = await deliver(message(ANNA, { text: 'Здравствуйте! Есть доставка?' }));
    const chat = String(ANNA.id);
    const textId = `${chat}:${(t.update.message as { message_id: number }).message_id}`;
    const dialog = await dialogOf(ANNA.id);
    expect(dialog.client).toMatchObject({ name: expect.stringContaining('Анна') });
    expect(dialog.leadId).toEqual(expect.any(String));
    const [lead] = await stack.dataSource.query(`SELECT funnel_id, stage_id, channel_id, dialog_id, client_id FROM leads WHERE id = $1`, [dialog.leadId]);
    expect(lead).toEqual({ funnel_id: funnel.id, stage_id: funnel.stages[1].id, channel_id: channelId, dialog_id: dialog.id, client_id: dialog.client.id });

    const kinds: Array<[string, Record<string, unknown>, (m: Record<string, any>) => void]> = [
      ['photo', { caption: 'вот фото', photo: [{ file_id: 'small', file_unique_id: 'sm', width: 90, height: 90 }, { ...photoFile, width: 1280, height: 960, file_size: photoBytes.length }] }, (m) => {
        expect(m).toMatchObject({ kind: 'image', text: 'вот фото' });
        expect(m.attachments).toEqual([expect.objectContaining({ kind: 'image', platformFileId: photoFile.file_id, mimeType: 'image/jpeg' })]);
      }],
      ['document', { document: { file_id: 'DOC', file_unique_id: 'doc', file_name: 'счёт.pdf', mime_type: 'application/pdf', file_size: 1234 } }, (m) => {
        expect(m.kind).toBe('document');
        expect(m.attachments[0]).toMatchObject({ kind: 'document', fileName: 'счёт.pdf', mimeType: 'application/pdf', size: 1234 });
      }],
      ['voice', { voice: { file_id: 'VOICE', file_unique_id: 'v', duration: 3 } }, (m) => expect(m).toMatchObject({ kind: 'voice', attachments: [expect.objectContaining({ kind: 'voice', mimeType: 'audio/ogg' })] })],
      ['audio', { audio: { file_id: 'AUDIO', file_unique_id: 'a', duration: 120, file_name: 'track.mp3', mime_type: 'audio/mpeg' } }, (m) => expect(m).toMatchObject({ kind: 'audio', attachments: [expect.objectContaining({ fileName: 'track.mp3' })] })],
      ['video', { video: { file_id: 'VIDEO', file_unique_id: 'vi', width: 640, height: 480, duration: 5 }, caption: 'видео' }, (m) => expect(m).toMatchObject({ kind: 'video', text: 'видео' })],
      ['video note', { video_note: { file_id: 'NOTE', file_unique_id: 'n', length: 240, duration: 4 } }, (m) => expect(m).toMatchObject({ kind: 'video', attachments: [expect.objectContaining({ kind: 'video', mimeType: 'video/mp4' })] })],
      ['sticker', { sticker: { file_id: 'STICK', file_unique_id: 's', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' } }, (m) => expect(m).toMatchObject({ kind: 'sticker', attachments: [expect.objectContaining({ kind: 'sticker', mimeType: 'image/webp' })] })],
      ['animation', { animation: { file_id: 'GIF', file_unique_id: 'g', width: 1, height: 1, duration: 1, file_name: 'fun.mp4', mime_type: 'video/mp4' }, document: { file_id: 'GIF', file_unique_id: 'g' } }, (m) => expect(m).toMatchObject({ kind: 'video', attachments: [expect.objectContaining({ platformFileId: 'GIF' })] })],
      ['location', { location: { latitude: 55.7558, longitude: 37.6173 } }, (m) => expect(m.kind).toBe('location')],
      ['venue', { location: { latitude: 59.9386, longitude: 30.3141 }, venue: { location: { latitude: 59.9386, longitude: 30.3141 }, title: 'Эрмитаж', address: 'Дворцовая пл., 2' } }, (m) => expect(m.kind).toBe('location')],
      ['own contact', { contact: { phone_number: '+79161234567', first_name: 'Анна', user_id: ANNA.id } }, (m) => expect(m.kind).toBe('contact')],
      ['reply', { text: 'это ответ на первое', reply_to_message: { message_id: Number(textId.split(':')[1]), chat: { id: ANNA.id, type: 'private' }, date: 0, text: 'x' } }, (m) => expect(m).toMatchObject({ kind: 'text', text: 'это ответ на первое' })],
    ];
    for (const [label, content, check] of kinds) {
      const answer = await deliver(message(ANNA, content));
      const stored = await messageWith(dialog.id, `${chat}:${(answer.update.message as { message_id: number }).message_id}`);
      try {
        check(stored);
      } catch (err) {
        throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
      }
    }

    // The photo streams back through the API from Telegram.
    const photo = (await messagesOf(dialog.id)).find((m) => m.kind === 'image')!;
    const file = await fetch(`${stack.publicUrl}/api/v1/dialogs/${dialog.id}/messages/${photo.id}/attachments/0`, { headers: { authorization: `Bearer ${agent}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(photoBytes)).toBe(true);

    // An edit changes the stored message (event edit), not a new one.
    await deliver({ edited_message: { message_id: Number(textId.split(':')[1]), from: ANNA, chat: { id: ANNA.id, type: 'private' }, date: Math.floor(Date.now() / 1000) - 60, edit_date: Math.floor(Date.now() / 1000), text: 'Здравствуйте! Есть доставка в Казань?' } });
    const edited = await messageWith(dialog.id, textId, (m) => m.text === 'Здравствуйте! Есть доставка в Казань?');
    expect(edited.editedAt).toEqual(expect.any(String));
    expect((await messagesOf(dialog.id)).filter((m) => m.externalId === textId)).toHaveLength(1);

    // An album, part after part as Telegram sends it: one message with every attachment.
    const album = (id: number, fileId: string, caption?: string) => message(ANNA, { media_group_id: 'MG-1', ...(caption ? { caption } : {}), photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 800, height: 600 }] }, id);
    await deliver(album(500, 'A1', 'альбом'));
    await deliver(album(501, 'A2'));
    await deliver(album(502, 'A3'));
    const merged = await messageWith(dialog.id, `${chat}:500`);
    expect(merged).toMatchObject({ kind: 'image', text: 'альбом' });
    expect(merged.attachments.map((a: { platformFileId: string }) => a.platformFileId)).toEqual(['A1', 'A2', 'A3']);
    expect((await messagesOf(dialog.id)).some((m) => m.externalId === `${chat}:501`)).toBe(false);

    // Another customer gets a dialog of their own.
    await deliver(message(BORIS, { text: 'Добрый день' }));
    const other = await dialogOf(BORIS.id);
    expect(other.id).not.toBe(dialog.id);
    expect(other.client).toMatchObject({ name: expect.stringContaining('Борис') });

    // Group chats and other update kinds are acknowledged and skipped.
    await deliver({ message: { message_id: 1, from: ANNA, chat: { id: -1001, type: 'supergroup', title: 'g' }, date: 1, text: 'в группе' } });
    await deliver({ callback_query: { id: 'cb', from: ANNA, chat_instance: 'x', data: 'y' } });
  });

  it('an agent reply through the API reaches sendMessage with the chat id and ends sent', async () => {
    const dialog = await dialogOf(ANNA.id);
    const res = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Да, доставляем в Казань за 2 дня' }, agent);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('queued');
    const call = await waitFor(() => tg.callsOf('sendMessage', bot.token).find((c) => c.params.text === 'Да, доставляем в Казань за 2 дня'), 20_000, 'sendMessage');
    expect(call.params.chat_id).toBe(ANNA.id);
    const sent = await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.id === res.body.id && m.status === 'sent'), 20_000, 'status sent');
    expect(sent.externalId).toMatch(new RegExp(`^${ANNA.id}:\\d+$`));
  });

  it('429 from Telegram delays the reply, then it is sent; a blocked bot marks the reply failed', async () => {
    const dialog = await dialogOf(BORIS.id);
    tg.failNext('sendMessage', { kind: 'rate-limit', retryAfter: 1 }, { token: bot.token });
    const slow = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'после паузы' }, agent);
    await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.id === slow.body.id && m.status === 'sent'), 20_000, 'sent after 429');
    const calls = tg.callsOf('sendMessage', bot.token).filter((c) => c.params.text === 'после паузы');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(950);

    tg.failNext('sendMessage', { kind: 'blocked' }, { token: bot.token });
    const blocked = await api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'вы нас заблокировали' }, agent);
    const failed = await waitFor(async () => (await messagesOf(dialog.id)).find((m) => m.id === blocked.body.id && m.status === 'failed'), 20_000, 'failed');
    expect(failed.errorCode).toBe('TELEGRAM_BOT_BLOCKED');
  });

  it('a wrong secret is refused with 401 and nothing is stored', async () => {
    const dialog = await dialogOf(ANNA.id);
    const id = ++nextMessageId;
    const answer = await tg.deliverUpdate(bot.token, message(ANNA, { text: 'подделка' }, id), { secretToken: 'wrong-secret' });
    expect(answer.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await messagesOf(dialog.id)).some((m) => m.externalId === `${ANNA.id}:${id}`)).toBe(false);
  });

  it('Kafka down for the connector → 503; the same update delivered again succeeds once', async () => {
    const producer = stack.services['connector-telegram'].app.get(EventProducer);
    const update = message(ANNA, { text: 'пока Kafka недоступна' });
    await producer.disconnect();
    try {
      expect((await tg.deliverUpdate(bot.token, update)).status).toBe(503);
    } finally {
      await producer.connect();
    }
    const retried = await tg.deliverUpdate(bot.token, update);
    expect(retried.status).toBe(200);
    const dialog = await dialogOf(ANNA.id);
    const externalId = `${ANNA.id}:${(update.message as { message_id: number }).message_id}`;
    await messageWith(dialog.id, externalId);
    await tg.deliverUpdate(bot.token, retried.update);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await messagesOf(dialog.id)).filter((m) => m.externalId === externalId)).toHaveLength(1);
  });

  it('deactivating the channel removes the webhook', async () => {
    const res = await api('POST', `/api/v1/channels/${channelId}/deactivate`);
    expect(res.status).toBe(200);
    await waitFor(() => tg.webhookOf(bot.token) === undefined || undefined, 20_000, 'deleteWebhook');
    expect(tg.callsOf('deleteWebhook', bot.token).length).toBeGreaterThan(0);
  });
});
