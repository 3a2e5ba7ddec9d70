import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DomainError, ErrorCode } from '@crm/domain';
import { WhatsappGraphClient, type GraphFailure } from '@crm/platform-whatsapp';
import type { AttachmentRequest, AttachmentSource, AttachmentStream } from '../attachment-source.port';

/**
 * WhatsApp media: `GET /{media-id}` gives a URL valid 5 minutes, fetched at once with the same Bearer token and
 * streamed through (nothing is stored).
 */
export class WhatsappAttachmentSourceAdapter implements AttachmentSource {
  readonly channelType = 'whatsapp';

  constructor(private readonly options: { graphUrl: string; timeoutMs: number }) {}

  async open(request: AttachmentRequest): Promise<AttachmentStream> {
    const token = request.secrets.accessToken;
    if (typeof token !== 'string' || token === '') throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
    const client = new WhatsappGraphClient(token, { baseUrl: this.options.graphUrl, timeoutMs: this.options.timeoutMs });
    const media = await client.getMedia(request.platformFileId);
    if (!media.ok) throw toDomainError(media.failure);
    const file = await client.downloadMedia(media.value.url);
    if (!file.ok) throw toDomainError(file.failure);
    const size = Number(file.value.headers.get('content-length') ?? media.value.file_size);
    return {
      body: Readable.fromWeb(file.value.body as unknown as WebReadableStream<Uint8Array>),
      ...(Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
      ...(media.value.mime_type ? { contentType: media.value.mime_type } : {}),
    };
  }
}

/** A media id or URL WhatsApp no longer serves → ATTACHMENT_NOT_FOUND; anything else → PLATFORM_UNAVAILABLE. */
function toDomainError(failure: GraphFailure): DomainError {
  if (failure.kind === 'permanent') return new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
  const reason = failure.kind === 'unavailable' ? failure.message : `WhatsApp answered ${failure.code} ${failure.message}`;
  return new DomainError(ErrorCode.PLATFORM_UNAVAILABLE, { platform: 'WhatsApp' }, [{ path: 'whatsapp', constraints: [reason] }]);
}
