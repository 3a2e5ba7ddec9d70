import { DomainError, ErrorCode } from '@crm/domain';
import { PlatformFileError } from '@crm/connector-kit';
import { openVkFile } from '@crm/platform-vk';
import type { AttachmentRequest, AttachmentSource, AttachmentStream } from '../attachment-source.port';

/**
 * VK files: VK attachment URLs are direct (the inbound message carries the URL as platformFileId), so the file is
 * streamed from it — only from VK's file hosts (or VK_API_URL's origin), never an arbitrary address. A video (VK
 * gives no file URL, only its id) or an expired / removed file → ATTACHMENT_NOT_FOUND.
 */
export class VkAttachmentSourceAdapter implements AttachmentSource {
  readonly channelType = 'vk';

  constructor(private readonly options: { apiUrl: string; timeoutMs: number }) {}

  async open(request: AttachmentRequest): Promise<AttachmentStream> {
    try {
      return await openVkFile(request.platformFileId, this.options);
    } catch (err) {
      if (err instanceof PlatformFileError && err.reason !== 'unavailable') throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
      throw new DomainError(ErrorCode.PLATFORM_UNAVAILABLE, { platform: 'VK' }, [{ path: 'vk', constraints: [err instanceof PlatformFileError ? err.message : 'VK could not be reached'] }]);
    }
  }
}
