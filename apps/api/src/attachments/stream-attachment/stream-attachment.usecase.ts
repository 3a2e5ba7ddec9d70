import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import { SecretBox } from '../../security/secret-box';
import { ATTACHMENT_SOURCES, type AttachmentSource, type AttachmentStream } from '../attachment-source.port';
import type { StreamAttachmentCommand } from './stream-attachment.command';

/** The file with what the client should be told about it. */
export interface AttachmentDownload extends AttachmentStream {
  contentType: string;
  fileName: string;
}

interface Row {
  attachments: Array<{ platformFileId?: unknown; mimeType?: unknown; fileName?: unknown; size?: unknown }> | null;
  channel_type: string;
  settings: Record<string, unknown> | null;
  secrets_encrypted: string | null;
}

/**
 * Streams an inbound message's attachment from its platform (files stay on the platform; nothing is copied). Scoped to
 * the account: a dialog or message of another account is MESSAGE_NOT_FOUND, a position without a file is
 * ATTACHMENT_NOT_FOUND. The channel's credentials are decrypted only for the call.
 */
@Injectable()
export class StreamAttachmentUseCase {
  private readonly sources: Map<string, AttachmentSource>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    @Inject(ATTACHMENT_SOURCES) sources: AttachmentSource[],
  ) {
    this.sources = new Map(sources.map((s) => [s.channelType, s]));
  }

  async execute(command: StreamAttachmentCommand): Promise<AttachmentDownload> {
    const [row] = (await this.dataSource.query(
      `SELECT m.attachments, c.type AS channel_type, c.settings, c.secrets_encrypted
         FROM messages m
         JOIN channels c ON c.id = m.channel_id AND c.account_id = m.account_id
        WHERE m.account_id = $1 AND m.dialog_id = $2 AND m.id = $3`,
      [command.accountId, command.dialogId, command.messageId],
    )) as Row[];
    if (!row) throw new DomainError(ErrorCode.MESSAGE_NOT_FOUND);
    const attachment = row.attachments?.[command.index];
    const source = this.sources.get(row.channel_type);
    if (!attachment || typeof attachment.platformFileId !== 'string' || !source) throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
    const file = await source.open({ secrets: this.secrets.decryptJson(row.secrets_encrypted), platformFileId: attachment.platformFileId, settings: row.settings ?? {} });
    const size = typeof attachment.size === 'number' ? attachment.size : undefined;
    return {
      ...file,
      ...(file.size === undefined && size !== undefined ? { size } : {}),
      contentType: typeof attachment.mimeType === 'string' && attachment.mimeType ? attachment.mimeType : file.contentType ?? 'application/octet-stream',
      fileName: typeof attachment.fileName === 'string' && attachment.fileName ? attachment.fileName : `attachment-${command.index + 1}`,
    };
  }
}
