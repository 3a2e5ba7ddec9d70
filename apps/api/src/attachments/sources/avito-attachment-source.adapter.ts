import { DomainError, ErrorCode } from '@crm/domain';
import { PlatformFileError } from '@crm/connector-kit';
import { openAvitoFile } from '@crm/platform-avito';
import type { AttachmentRequest, AttachmentSource, AttachmentStream } from '../attachment-source.port';

/**
 * Avito files: an image from its URL (Avito's hosts only); a voice message resolved through getVoiceFiles when the
 * agent opens it (the link lives 1 h). A file Avito no longer serves → ATTACHMENT_NOT_FOUND.
 */
export class AvitoAttachmentSourceAdapter implements AttachmentSource {
  readonly channelType = 'avito';

  constructor(private readonly options: { apiUrl: string; timeoutMs: number }) {}

  async open(request: AttachmentRequest): Promise<AttachmentStream> {
    const { clientId, userId } = request.settings ?? {};
    const clientSecret = request.secrets.clientSecret;
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || !Number.isSafeInteger(userId)) throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
    try {
      return await openAvitoFile({ platformFileId: request.platformFileId, clientId, clientSecret, userId: userId as number }, this.options);
    } catch (err) {
      if (err instanceof PlatformFileError && err.reason !== 'unavailable') throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
      throw new DomainError(ErrorCode.PLATFORM_UNAVAILABLE, { platform: 'Avito' }, [{ path: 'avito', constraints: [err instanceof PlatformFileError ? err.message : 'Avito could not be reached'] }]);
    }
  }
}
