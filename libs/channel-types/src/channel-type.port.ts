import type { ChannelType } from '@crm/contracts';
import type { LocalizedText } from './localized';

/**
 * DI token of the channel-type adapters (a multi-provider: one adapter per platform, collected into an array).
 * The api resolves the adapter of a type through ChannelTypeRegistry — never with a switch on the type.
 */
export const CHANNEL_TYPE_ADAPTERS = Symbol('CHANNEL_TYPE_ADAPTERS');

/** One settings field of a type, as the wizard's step 3 renders it (GET /channel-types). */
export interface SettingsFieldDescriptor {
  name: string;
  label: LocalizedText;
  required: boolean;
  /** Encrypted at rest, masked in every response, never on Kafka in plaintext. */
  secret: boolean;
  kind: 'string' | 'integer' | 'string[]' | 'object';
  /** Human hint of the expected format. */
  format: LocalizedText;
  /** The same rule as a regular expression (source), when one expresses it. */
  pattern?: string;
  example?: unknown;
}

/** What the platform lets a business do (from PLATFORMS.md); null = no window / no limit that PLATFORMS.md documents. */
export interface ChannelCapabilities {
  /** Can the business write first (without the customer having written)? */
  canStartConversation: boolean;
  /** How long after the customer's last message a free-form reply is allowed; null = no window. */
  replyWindowHours: number | null;
  maxTextLength: number | null;
  /** Largest file the business can send through the platform. */
  maxUploadBytes: number | null;
  /** Largest file we can fetch from the platform (a customer's attachment). */
  maxDownloadBytes: number | null;
  /** Can a message already sent by the business be edited / deleted? */
  canEditSent: boolean;
  canDeleteSent: boolean;
  /** Does the platform tell us when a customer edits / deletes a message? */
  receivesEdits: boolean;
  receivesDeletes: boolean;
  deliveryReceipts: boolean;
  readReceipts: boolean;
  notes: LocalizedText[];
}

export interface ChannelTypeDescriptor {
  type: ChannelType;
  title: LocalizedText;
  settings: SettingsFieldDescriptor[];
  /** Where the user learns how to get the credentials. */
  instructionsUrl: string;
  capabilities: ChannelCapabilities;
}

/**
 * Result of checking a channel's credentials. A rejection (the platform says the credentials are wrong) is not a
 * result: the adapter throws a DomainError with its 422 code (e.g. TELEGRAM_TOKEN_INVALID) and nothing is saved.
 */
export type CredentialCheck =
  /** Accepted. `learned`: non-secret facts to keep with the settings (e.g. the bot's username). */
  | { outcome: 'valid'; learned?: Record<string, unknown> }
  /** The platform could not be asked (unreachable, 5xx, timeout): save with status error and retry later. */
  | { outcome: 'unavailable'; detail: string };

/** Values we generate for a new channel. */
export interface GeneratedSecrets {
  /** Authenticates the platform's webhook calls (Telegram secret_token, VK secret, WhatsApp verify token, Avito URL secret). */
  webhookSecret: string | null;
  /** Public identifier (the widget's embed key). */
  publicKey: string | null;
}

export interface ConnectionContext {
  channelId: string;
  /** PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  /** Plaintext webhook secret (decrypted), if the type has one. */
  webhookSecret: string | null;
  publicKey: string | null;
  publicSettings: Record<string, unknown>;
}

/** What the user must paste elsewhere to finish the connection (`connection` of a channel response). */
export interface ConnectionInfo {
  /** true when the user has to copy something into the platform's settings. */
  manual: boolean;
  /** Named values to copy (callbackUrl, secretKey, verifyToken, webhookUrl, embedSnippet…). */
  values: Record<string, string>;
  note: LocalizedText;
}

/**
 * The port one platform implements to be a channel type. Adding a type = a new library with its adapter + one
 * registration line in the api; nothing else branches on the type.
 */
export interface ChannelTypeAdapter<S extends object = object> {
  readonly type: ChannelType;
  /**
   * Whether something receives this type's messages (its connector exists). An unavailable type is listed by
   * GET /channel-types with `available: false`, and creating or activating a channel of it answers 422
   * CHANNEL_TYPE_UNAVAILABLE. Each connector's issue flips its own type here, one line.
   */
  readonly available: boolean;
  readonly descriptor: ChannelTypeDescriptor;
  /** class-validator class of the settings (validated with whitelist + forbidNonWhitelisted). */
  readonly settingsClass: new () => S;
  /** Keys of the settings that are credentials. */
  readonly secretKeys: readonly string[];
  /**
   * The platform identity the credentials connect (bot id, VK group id, WhatsApp phone number id, Avito client id);
   * the same identity twice in one account is refused. null when the type has none (widget).
   */
  identity(settings: S): string | null;
  /** Non-secret facts derived from the settings themselves, kept next to them (e.g. the bot id of a token). */
  derivedSettings?(settings: S): Record<string, unknown>;
  /** Checks the credentials (live where the platform allows it today, format-only otherwise). */
  verifyCredentials(settings: S): Promise<CredentialCheck>;
  generateSecrets(): GeneratedSecrets;
  connection(context: ConnectionContext): ConnectionInfo;
  /**
   * The approved message templates of the channel (WhatsApp), for types that have them; `settings` holds the
   * decrypted credentials too. Throws DomainError (e.g. PLATFORM_UNAVAILABLE) when the platform cannot be asked.
   */
  listTemplates?(settings: S): Promise<MessageTemplate[]>;
  /**
   * Read receipts (WhatsApp): tells the platform the agent has read the customer's messages up to `externalMessageId`
   * (Avito marks the whole chat: `chat.externalChatId`). Best effort: the caller logs a failure and goes on.
   */
  markRead?(settings: S, externalMessageId: string, chat?: { externalChatId: string }): Promise<void>;
}

/** An approved message template a channel can send outside the reply window. */
export interface MessageTemplate {
  name: string;
  language: string;
  category: string | null;
  /** The platform's components (header, body, buttons…) as it describes them. */
  components: unknown[];
}
