import { GrammyError } from 'grammy';
import { DomainError, ErrorCode } from '@crm/domain';
import { createBotApi, openTelegramFile, TelegramFileError } from '@crm/platform-telegram';
import type { AttachmentRequest, AttachmentSource, AttachmentStream } from '../attachment-source.port';

/** Telegram files: getFile, then `${TELEGRAM_API_ROOT}/file/bot<token>/<file_path>` streamed through. */
export class TelegramAttachmentSourceAdapter implements AttachmentSource {
  readonly channelType = 'telegram';

  constructor(private readonly options: { apiRoot: string; timeoutMs: number }) {}

  async open(request: AttachmentRequest): Promise<AttachmentStream> {
    const token = request.secrets.botToken;
    if (typeof token !== 'string' || token === '') throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
    try {
      return await openTelegramFile(createBotApi(token, this.options), this.options.apiRoot, token, request.platformFileId, { timeoutMs: this.options.timeoutMs });
    } catch (err) {
      // 400: Telegram no longer knows the file (or it is over the 20 MB bot download limit).
      if ((err instanceof TelegramFileError && err.reason === 'not-found') || (err instanceof GrammyError && err.error_code === 400)) {
        throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
      }
      throw new DomainError(ErrorCode.PLATFORM_UNAVAILABLE, {}, [{ path: 'telegram', constraints: [describe(err)] }]);
    }
  }
}

/** A reason without the token (grammY's messages never carry it; the file URL is not in them either). */
function describe(err: unknown): string {
  if (err instanceof GrammyError) return `Telegram answered ${err.error_code} ${err.description}`;
  if (err instanceof TelegramFileError) return err.message;
  return 'Telegram could not be reached';
}
