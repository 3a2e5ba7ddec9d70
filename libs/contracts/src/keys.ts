// Kafka message keys (DESIGN §6). Keys decide partitioning, hence ordering: all messages of one chat share a key.

/** Key of channels.inbound/outbound/status messages: `channelId:externalChatId`. */
export function chatKey(channelId: string, externalChatId: string): string {
  if (!channelId || channelId.includes(':')) throw new Error(`chatKey: invalid channelId "${channelId}"`);
  if (!externalChatId) throw new Error('chatKey: externalChatId is empty');
  return `${channelId}:${externalChatId}`;
}

/** Inverse of chatKey. The channelId never contains ':', so everything after the first ':' is the chat id. */
export function parseChatKey(key: string): { channelId: string; externalChatId: string } {
  const i = key.indexOf(':');
  if (i <= 0 || i === key.length - 1) throw new Error(`parseChatKey: "${key}" is not "channelId:externalChatId"`);
  return { channelId: key.slice(0, i), externalChatId: key.slice(i + 1) };
}

/** Key of channels.config.v1 messages (and of their tombstones): the channelId. */
export function channelConfigKey(channelId: string): string {
  if (!channelId) throw new Error('channelConfigKey: channelId is empty');
  return channelId;
}

/** Key of crm.events.v1 messages: the dialogId. */
export function crmEventKey(dialogId: string): string {
  if (!dialogId) throw new Error('crmEventKey: dialogId is empty');
  return dialogId;
}
