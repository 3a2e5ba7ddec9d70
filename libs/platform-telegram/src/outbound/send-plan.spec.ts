import { planOutboundMessage, splitText, telegramChatId } from './send-plan';

describe('planOutboundMessage', () => {
  it('text → one sendMessage to the numeric chat id', () => {
    expect(planOutboundMessage({ externalChatId: '5000000001', text: 'Добрый день!' })).toEqual([
      { method: 'sendMessage', payload: { chat_id: 5000000001, text: 'Добрый день!' } },
    ]);
  });

  it('a reply goes on the first call (the message number of a `<chat>:<message>` id), tolerating a deleted original', () => {
    const [step] = planOutboundMessage({ externalChatId: '1', text: 'да', replyToExternalMessageId: '1:77' });
    expect(step.payload.reply_parameters).toEqual({ message_id: 77, allow_sending_without_reply: true });
    expect(planOutboundMessage({ externalChatId: '1', text: 'да', replyToExternalMessageId: 'junk' })[0].payload.reply_parameters).toBeUndefined();
  });

  it('long text becomes several messages of at most 4096 characters, nothing lost', () => {
    const text = `${'слово '.repeat(1500)}конец`;
    const steps = planOutboundMessage({ externalChatId: '1', text });
    expect(steps.length).toBe(3);
    expect(steps.every((s) => s.method === 'sendMessage' && (s.payload.text as string).length <= 4096)).toBe(true);
    expect(steps.map((s) => s.payload.text).join('')).toBe(text);
  });

  it('attachments: one call per file by URL or file_id, the text as the first caption when it fits', () => {
    const steps = planOutboundMessage({
      externalChatId: '1',
      text: 'счёт и фото',
      attachments: [
        { kind: 'document', url: 'https://files.example/invoice.pdf' },
        { kind: 'image', platformFileId: 'AgAC-photo' },
      ],
    });
    expect(steps).toEqual([
      { method: 'sendDocument', payload: { chat_id: 1, document: 'https://files.example/invoice.pdf', caption: 'счёт и фото' } },
      { method: 'sendPhoto', payload: { chat_id: 1, photo: 'AgAC-photo' } },
    ]);
  });

  it('a text too long for a caption, or a sticker (no captions), is sent as its own message first', () => {
    expect(planOutboundMessage({ externalChatId: '1', text: 'x'.repeat(1100), attachments: [{ kind: 'image', url: 'https://e.x/a.jpg' }] }).map((s) => s.method)).toEqual([
      'sendMessage',
      'sendPhoto',
    ]);
    expect(planOutboundMessage({ externalChatId: '1', text: 'смотри', attachments: [{ kind: 'sticker', platformFileId: 'S' }] })).toEqual([
      { method: 'sendMessage', payload: { chat_id: 1, text: 'смотри' } },
      { method: 'sendSticker', payload: { chat_id: 1, sticker: 'S' } },
    ]);
  });
});

describe('splitText / telegramChatId', () => {
  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(9)}😀b`;
    const parts = splitText(text, 10);
    expect(parts).toEqual(['a'.repeat(9), '😀b']);
  });

  it('prefers a line break near the end of a part', () => {
    expect(splitText('aaaaaaaaa\nbbbbbbbbb', 12)).toEqual(['aaaaaaaaa\n', 'bbbbbbbbb']);
  });

  it('keeps non-numeric chat ids as strings', () => {
    expect(telegramChatId('-1001234')).toBe(-1001234);
    expect(telegramChatId('@channel')).toBe('@channel');
    expect(telegramChatId('99999999999999999999')).toBe('99999999999999999999');
  });
});
