/**
 * The update kinds we ask Telegram for (setWebhook / getUpdates `allowed_updates`, always explicit: omitting it keeps
 * whatever an earlier registration set). Private-chat messages and their edits are what becomes a dialog.
 */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message'] as const;

/** `PUBLIC_URL/webhooks/telegram/:channelId` — the channel id only; the bot token never appears in a URL we publish. */
export function telegramWebhookUrl(publicUrl: string, channelId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/telegram/${encodeURIComponent(channelId)}`;
}
