import type { InboundMessageData } from '@crm/contracts';
import type { AvitoChatInfo } from '../api/avito-api.types';

/** The listing a u2i chat is about, as it goes into `context.item` (DESIGN §4: `{ item: { id, title, url, price } }`). */
export interface AvitoListingItem {
  id: string;
  title: string;
  url?: string;
  price?: string;
}

/** What chat info tells about a conversation: its listing (u2i chats) and the client's name. */
export interface AvitoChatFacts {
  item?: AvitoListingItem;
  /** The name of the chat's other user (the `users[]` entry whose id is not ours). */
  clientName?: string;
}

const SHORT = 1000;

/** Chat info → the listing and the client's name. `userId`: our account (user_id of the webhook). */
export function chatFactsOf(info: AvitoChatInfo, userId: number): AvitoChatFacts {
  const facts: AvitoChatFacts = {};
  const context = info?.context;
  const value = context && typeof context === 'object' && (context.type === undefined || context.type === 'item') ? context.value : undefined;
  if (value && typeof value === 'object' && typeof value.title === 'string' && value.title.length > 0 && Number.isSafeInteger(value.id)) {
    facts.item = {
      id: String(value.id),
      title: value.title.slice(0, SHORT),
      ...(typeof value.url === 'string' && value.url ? { url: value.url.slice(0, SHORT) } : {}),
      ...(typeof value.price_string === 'string' && value.price_string ? { price: value.price_string.slice(0, SHORT) } : {}),
    };
  }
  const other = Array.isArray(info?.users) ? info.users.find((u) => u && typeof u === 'object' && u.id !== userId) : undefined;
  const name = typeof other?.name === 'string' ? other.name.trim() : '';
  if (name) facts.clientName = name.slice(0, SHORT);
  return facts;
}

/** The message with the chat's facts: `context.item` and the sender's display name (when the sender is the client). */
export function withChatFacts(message: InboundMessageData, facts: AvitoChatFacts): InboundMessageData {
  if (!facts.item && !facts.clientName) return message;
  return {
    ...message,
    sender: { ...message.sender, ...(facts.clientName && !message.sender.displayName ? { displayName: facts.clientName } : {}) },
    ...(facts.item ? { context: { ...message.context, item: { ...facts.item } } } : {}),
  };
}

/** The lead title of a conversation about a listing ("Avito: <item title>"), as lead-routing derives it. */
export function listingLeadTitle(item: Pick<AvitoListingItem, 'title'>): string {
  return `Avito: ${item.title}`;
}
