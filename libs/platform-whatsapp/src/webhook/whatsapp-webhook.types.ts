// The WhatsApp Business Cloud API webhook payload (PLATFORMS.md §2), as far as the connector reads it. Every field is
// optional: the normalizer checks what it uses and ignores what it does not know (Meta adds fields without notice).

export interface WaWebhook {
  object?: string;
  entry?: WaEntry[];
}

export interface WaEntry {
  /** The WhatsApp Business Account id. */
  id?: string;
  changes?: WaChange[];
}

export interface WaChange {
  /** `messages` carries messages and statuses; other fields (account_update, template status…) are skipped. */
  field?: string;
  value?: WaValue;
}

export interface WaValue {
  messaging_product?: string;
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  contacts?: WaContact[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
  errors?: WaError[];
}

export interface WaContact {
  wa_id?: string;
  /** 2026: business-scoped user id (BSUID), e.g. `US.1349…`. */
  user_id?: string;
  parent_user_id?: string;
  profile?: { name?: string; username?: string };
}

export interface WaMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
  /** Lookaside URL in newer payloads (still needs the Bearer token). */
  url?: string;
  file_size?: number | string;
}

export interface WaContactCard {
  name?: { formatted_name?: string; first_name?: string; last_name?: string };
  phones?: Array<{ phone?: string; wa_id?: string; type?: string }>;
}

export interface WaMessage {
  from?: string;
  /** 2026: the sender's BSUID. */
  from_user_id?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  image?: WaMedia;
  video?: WaMedia;
  document?: WaMedia;
  audio?: WaMedia;
  sticker?: WaMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  contacts?: WaContactCard[];
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
  };
  button?: { payload?: string; text?: string };
  reaction?: { message_id?: string; emoji?: string };
  context?: { from?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean; referred_product?: unknown };
  referral?: Record<string, unknown>;
  errors?: WaError[];
}

export interface WaError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
  href?: string;
}

export interface WaStatus {
  /** wamid of OUR message. */
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  recipient_user_id?: string;
  conversation?: { id?: string; expiration_timestamp?: string; origin?: { type?: string } };
  pricing?: Record<string, unknown>;
  biz_opaque_callback_data?: string;
  errors?: WaError[];
}
