/**
 * Telegram's message_id is unique only inside one chat (every private chat with the bot counts from 1), while our
 * externalMessageId must be unique per channel (messages are unique on channel + direction + external id). So the
 * external id of a Telegram message is `<chat id>:<message id>` — for inbound messages, replies and sent messages alike.
 */
export function telegramMessageKey(chatId: number | string, messageId: number | string): string {
  return `${chatId}:${messageId}`;
}

/** The message_id inside its chat from an external id (`<chat id>:<message id>`, or a bare message id); NaN if none. */
export function telegramMessageIdOf(externalMessageId: string): number {
  const id = Number(externalMessageId.slice(externalMessageId.lastIndexOf(':') + 1));
  return Number.isSafeInteger(id) ? id : Number.NaN;
}
