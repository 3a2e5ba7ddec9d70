import { leadTitle, prepareInbound } from './plan-inbound-batch';
import type { InboundInput } from './routing-model';

const item = (overrides: Partial<InboundInput>) =>
  prepareInbound({
    accountId: '0b7c6a52-6f5e-4f3e-9d1a-2b8c4e6f7a10',
    channelId: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f',
    channelType: 'avito',
    externalChatId: 'u2i-1',
    externalMessageId: 'm-1',
    event: 'new',
    sender: { externalUserId: '185733611', displayName: 'Иван' },
    kind: 'text',
    text: 'Ещё продаётся?',
    attachments: [],
    sentAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  });

describe('leadTitle', () => {
  it('names the lead after the listing the message carries (context.item.title)', () => {
    expect(leadTitle(item({ context: { item: { id: '42', title: ' Велосипед Stels ', price: '12 000 ₽' } } }), 'Авито')).toBe('Avito: Велосипед Stels');
  });

  it('falls back to the sender and the channel without a listing', () => {
    expect(leadTitle(item({}), 'Авито')).toBe('Иван — Авито');
    expect(leadTitle(item({ context: { item: { title: '  ' } } }), 'Авито')).toBe('Иван — Авито');
    expect(leadTitle(item({ context: { sharedItem: { title: 'Диван' } } }), 'Авито')).toBe('Иван — Авито');
  });
});
