import { VkErrorCode, classifyVkError } from '../api/vk-failure';
import { classifyVkSendFailure } from './send-outcome';
import { planVkSend, splitText, vkPeerId } from './send-plan';

describe('planVkSend', () => {
  it('one call with the text and the numeric reply id', () => {
    expect(planVkSend({ externalChatId: '42', text: 'Здравствуйте', replyToExternalMessageId: '501' }, 42)).toEqual([{ peerId: 42, message: 'Здравствуйте', replyTo: 501 }]);
    expect(planVkSend({ externalChatId: '42', text: 'x', replyToExternalMessageId: '42_c7' }, 42)).toEqual([{ peerId: 42, message: 'x' }]);
  });

  it('known VK files ride as attachment (10 per call); URL-only files become links in the text', () => {
    const ids = Array.from({ length: 12 }, (_, i) => ({ kind: 'image' as const, platformFileId: `photo-1_${i + 1}` }));
    const parts = planVkSend({ externalChatId: '42', text: 'Каталог', attachments: [...ids, { kind: 'document', url: 'https://files.example/price.pdf', fileName: 'price.pdf' }] }, 42);
    expect(parts).toEqual([
      { peerId: 42, message: 'Каталог\nprice.pdf: https://files.example/price.pdf', attachment: ids.slice(0, 10).map((a) => a.platformFileId).join(',') },
      { peerId: 42, attachment: 'photo-1_11,photo-1_12' },
    ]);
  });

  it('text over 9000 characters is split; the reply id only on the first call; nothing to send → no call', () => {
    const parts = planVkSend({ externalChatId: '42', text: `${'а'.repeat(8000)} ${'б'.repeat(3000)}`, replyToExternalMessageId: '7' }, 42);
    expect(parts.map((p) => p.message?.length)).toEqual([8000, 3000]);
    expect(parts.map((p) => p.replyTo)).toEqual([7, undefined]);
    expect(planVkSend({ externalChatId: '42', text: '   ' }, 42)).toEqual([]);
  });

  it('splitText never cuts a surrogate pair', () => {
    const parts = splitText(`${'a'.repeat(9)}😀b`, 10);
    expect(parts.join('')).toBe(`${'a'.repeat(9)}😀b`);
    expect(parts[0]).toBe('a'.repeat(9));
  });
});

describe('vkPeerId', () => {
  it('accepts private chats (user ids) only', () => {
    expect(vkPeerId('712345678')).toBe(712345678);
    for (const bad of ['2000000001', '-1', '0', 'abc', '1.5', '']) expect(vkPeerId(bad)).toBeUndefined();
  });
});

describe('classifyVkSendFailure', () => {
  it.each([
    [VkErrorCode.TooManyRequestsPerSecond, { action: 'retry-after', retryAfterMs: 1000 }],
    [VkErrorCode.FloodControl, { action: 'retry-after', retryAfterMs: 5000 }],
    [VkErrorCode.InternalServerError, { action: 'retry' }],
    [VkErrorCode.UserAuthorizationFailed, { action: 'fail', errorCode: 'VK_TOKEN_INVALID' }],
    [VkErrorCode.CannotSendWithoutPermission, { action: 'fail', errorCode: 'VK_CANNOT_MESSAGE_USER' }],
    [VkErrorCode.PrivacySettings, { action: 'fail', errorCode: 'VK_CANNOT_MESSAGE_USER' }],
    [VkErrorCode.MessageTooLong, { action: 'fail', errorCode: 'VK_MESSAGE_TOO_LONG' }],
    [VkErrorCode.InvalidParameter, { action: 'fail', errorCode: 'VK_BAD_REQUEST' }],
  ])('VK error %i → %j', (code, expected) => {
    expect(classifyVkSendFailure(classifyVkError(code, 'msg'))).toMatchObject(expected);
  });

  it('an outage is retried', () => {
    expect(classifyVkSendFailure({ kind: 'unavailable', description: 'down' })).toEqual({ action: 'retry', description: 'down' });
  });
});
