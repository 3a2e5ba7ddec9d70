import { planWhatsappMessage, splitText, whatsappRecipient } from './send-plan';

const base = { externalChatId: '79161234567', text: 'Привет' };

describe('planWhatsappMessage', () => {
  it('a text reply goes to +<wa_id> with the reply context', () => {
    expect(planWhatsappMessage({ ...base, replyToExternalMessageId: 'wamid.IN' })).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+79161234567', type: 'text', text: { body: 'Привет', preview_url: false }, context: { message_id: 'wamid.IN' } },
    ]);
  });

  it('a business-scoped user id goes to `recipient`', () => {
    expect(whatsappRecipient('US.1349')).toEqual({ recipient: 'US.1349' });
    expect(whatsappRecipient('+79161234567')).toEqual({ to: '+79161234567' });
  });

  it('a template: name, language code, components; no text call', () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }];
    expect(planWhatsappMessage({ ...base, text: '', template: { name: 'order_ready', language: 'ru', components } })).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+79161234567', type: 'template', template: { name: 'order_ready', language: { code: 'ru' }, components } },
    ]);
    expect(planWhatsappMessage({ ...base, template: { name: 'hello', language: 'en_US' } })[0].template).toEqual({ name: 'hello', language: { code: 'en_US' } });
  });

  it('files: one call each; the text is the caption of the first captionable file; ids or links', () => {
    const plan = planWhatsappMessage({
      ...base,
      attachments: [
        { kind: 'voice', platformFileId: 'media-1' },
        { kind: 'document', url: 'https://cdn.example/a.pdf', fileName: 'a.pdf' },
      ],
    });
    expect(plan.map((b) => [b.type, b[b.type as string]])).toEqual([
      ['audio', { id: 'media-1' }],
      ['document', { link: 'https://cdn.example/a.pdf', caption: 'Привет', filename: 'a.pdf' }],
    ]);
  });

  it('a text too long for a caption goes first, split at 4096', () => {
    const text = `${'а'.repeat(4000)}\n${'б'.repeat(1000)}`;
    const plan = planWhatsappMessage({ ...base, text, attachments: [{ kind: 'image', platformFileId: 'm' }] });
    expect(plan.map((b) => b.type)).toEqual(['text', 'text', 'image']);
    expect((plan[0].text as { body: string }).body).toBe('а'.repeat(4000));
    expect((plan[2].image as Record<string, unknown>).caption).toBeUndefined();
  });

  it('splitText keeps every character and never exceeds the limit', () => {
    const text = 'слово '.repeat(2000);
    const chunks = splitText(text, 4096);
    expect(chunks.every((c) => c.length <= 4096)).toBe(true);
    expect(chunks.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.trim());
    expect(splitText('😀'.repeat(3000), 4096).every((c) => !/[\uD800-\uDBFF]$/.test(c))).toBe(true);
  });
});
