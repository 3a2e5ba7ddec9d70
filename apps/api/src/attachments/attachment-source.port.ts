import type { Readable } from 'node:stream';

/** A platform file streamed to the agent. */
export interface AttachmentStream {
  body: Readable;
  size?: number;
  /** The platform's Content-Type of the download (the stored mime type of the message wins over it). */
  contentType?: string;
}

/** What a source needs to fetch one file of one channel. */
export interface AttachmentRequest {
  /** The channel's decrypted credentials (e.g. `{ botToken }`). */
  secrets: Record<string, unknown>;
  /** The platform's id of the file, as the inbound message carried it. */
  platformFileId: string;
  /** The channel's public settings (Avito: clientId and the learned userId). */
  settings?: Record<string, unknown>;
}

/**
 * The port "fetch an inbound attachment from the platform", one adapter per channel type (multi-provider
 * ATTACHMENT_SOURCES). Adapters throw DomainError ATTACHMENT_NOT_FOUND for a file the platform no longer serves and
 * PLATFORM_UNAVAILABLE when it cannot be asked.
 */
export interface AttachmentSource {
  readonly channelType: string;
  open(request: AttachmentRequest): Promise<AttachmentStream>;
}

export const ATTACHMENT_SOURCES = Symbol('ATTACHMENT_SOURCES');
