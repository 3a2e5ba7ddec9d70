import type { SendRateLimits } from '@crm/connector-kit';

/**
 * Telegram's published send limits (Bot FAQ, PLATFORMS.md §1): about 30 messages/s per bot across its chats, about
 * 1 message/s per chat with short bursts tolerated. The kit's SendRateLimiter enforces them (token buckets).
 */
export const TELEGRAM_SEND_LIMITS: SendRateLimits = { channelPerSecond: 30, channelBurst: 30, chatPerSecond: 1, chatBurst: 3 };
