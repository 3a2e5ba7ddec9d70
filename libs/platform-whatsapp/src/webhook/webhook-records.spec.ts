import { MessageStatusData, validateContract } from '@crm/contracts';
import { normalizeWhatsappWebhook } from '../normalize/normalize-webhook';
import { groupWhatsappRecords } from './webhook-records';

const OURS = '01958b9e-2f4a-7c3d-9e8f-0a1b2c3d4e5f';
const value = (phoneNumberId: string, extra: Record<string, unknown>) => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: phoneNumberId }, ...extra } });
const msg = (id: string) => ({ from: '79161234567', id, timestamp: '1767268800', type: 'text', text: { body: id } });
const status = (s: Record<string, unknown>) => ({ id: 'wamid.OUT', status: 'read', timestamp: '1767268800', recipient_id: '79161234567', ...s });

describe('groupWhatsappRecords', () => {
  const normalized = normalizeWhatsappWebhook({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          value('111', { messages: [msg('wamid.mine'), { ...msg('wamid.react'), type: 'reaction', reaction: { message_id: 'x', emoji: '👍' } }] }),
          value('222', { messages: [msg('wamid.other')], statuses: [status({ biz_opaque_callback_data: OURS })] }),
          value('111', {
            statuses: [
              status({ biz_opaque_callback_data: OURS }),
              status({ status: 'failed', biz_opaque_callback_data: OURS, errors: [{ code: 131047, title: 'Re-engagement message' }] }),
              status({ biz_opaque_callback_data: 'not-ours' }),
              status({}),
            ],
          }),
        ],
      },
    ],
  });

  it('groups messages and the statuses of messages we sent by business number, counting the rest', () => {
    const records = groupWhatsappRecords(normalized);
    expect([...records.byNumber.keys()]).toEqual(['111', '222']);
    const mine = records.byNumber.get('111')!;
    expect(mine.inbound.map((m) => m.externalMessageId)).toEqual(['wamid.mine']);
    expect(mine.statuses).toEqual([
      { messageId: OURS, externalChatId: '79161234567', externalMessageId: 'wamid.OUT', status: 'read', at: '2026-01-01T12:00:00.000Z' },
      { messageId: OURS, externalChatId: '79161234567', externalMessageId: 'wamid.OUT', status: 'failed', at: '2026-01-01T12:00:00.000Z', errorCode: 'WHATSAPP_WINDOW_CLOSED', errorMessage: '131047 Re-engagement message' },
    ]);
    for (const s of mine.statuses) expect(() => validateContract(MessageStatusData, s)).not.toThrow();
    expect(records.byNumber.get('222')).toEqual({ inbound: [expect.objectContaining({ externalMessageId: 'wamid.other' })], statuses: [expect.objectContaining({ messageId: OURS })] });
    expect(records.dropped).toEqual({ reaction: 1, 'foreign-status': 2 });
  });
});
