// Wire shapes of the Avito Messenger API (PLATFORMS.md §4). Everything is optional/unknown where Avito may omit or
// extend it: parsers check each field they read and ignore the rest.

/** `POST /token` (client_credentials) answer. */
export interface AvitoTokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
}

/** `GET /core/v1/accounts/self`. `id` is the user_id of every messenger path. */
export interface AvitoSelf {
  id: number;
  name?: string;
  email?: string;
  profile_url?: string;
}

/** `POST /messenger/v1/subscriptions`. */
export interface AvitoSubscriptions {
  subscriptions: Array<{ url: string; version?: string }>;
}

/** MessageContent of a webhook message or a chat's last message. */
export interface AvitoMessageContent {
  text?: string;
  image?: { sizes?: Record<string, string> };
  voice?: { voice_id?: string };
  item?: { title?: string; item_url?: string; image_url?: string; price_string?: string };
  link?: { text?: string; url?: string; preview?: Record<string, unknown> };
  location?: { lat?: number; lon?: number; kind?: string; text?: string; title?: string };
  call?: { status?: string; target_user_id?: number };
  flow_id?: string;
}

/** WebhookMessage: `payload.value` of a webhook delivery. */
export interface AvitoWebhookMessage {
  id?: unknown;
  chat_id?: unknown;
  user_id?: unknown;
  author_id?: unknown;
  created?: unknown;
  type?: unknown;
  chat_type?: unknown;
  content?: AvitoMessageContent | null;
  item_id?: unknown;
  published_at?: unknown;
  read?: unknown;
}

/** One webhook delivery (v3): `{ id, version, timestamp, payload: { type: "message", value } }`. */
export interface AvitoWebhookBody {
  id?: unknown;
  version?: unknown;
  timestamp?: unknown;
  payload?: { type?: unknown; value?: AvitoWebhookMessage | null } | null;
}

/** `GET /messenger/v2/accounts/{user_id}/chats/{chat_id}`. */
export interface AvitoChatInfo {
  id?: string;
  context?: {
    type?: string;
    value?: { id?: number; title?: string; url?: string; price_string?: string; status_id?: number; user_id?: number };
  } | null;
  users?: Array<{ id?: number; name?: string; public_user_profile?: { url?: string } }>;
}

/** `POST /messenger/v1/accounts/{user_id}/chats/{chat_id}/messages` answer. */
export interface AvitoSentMessage {
  id: string;
  created?: number;
}

/** `GET /messenger/v1/accounts/{user_id}/getVoiceFiles?voice_ids=…`. */
export interface AvitoVoiceFiles {
  voices_urls: Record<string, string>;
}
