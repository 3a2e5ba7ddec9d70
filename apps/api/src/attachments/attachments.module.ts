import { Module } from '@nestjs/common';
import { multiProvider } from '../di/multi-provider';
import { ATTACHMENT_SOURCES, type AttachmentSource } from './attachment-source.port';
import { AttachmentsController } from './attachments.controller';
import { AvitoAttachmentSourceAdapter } from './sources/avito-attachment-source.adapter';
import { TelegramAttachmentSourceAdapter } from './sources/telegram-attachment-source.adapter';
import { VkAttachmentSourceAdapter } from './sources/vk-attachment-source.adapter';
import { WhatsappAttachmentSourceAdapter } from './sources/whatsapp-attachment-source.adapter';
import { StreamAttachmentUseCase } from './stream-attachment/stream-attachment.usecase';

/** GET /api/v1/dialogs/:id/messages/:messageId/attachments/:n — one attachment source per channel type. */
@Module({
  controllers: [AttachmentsController],
  providers: [
    ...multiProvider<AttachmentSource>(ATTACHMENT_SOURCES, [
      (config) => new TelegramAttachmentSourceAdapter({ apiRoot: config.TELEGRAM_API_ROOT, timeoutMs: 60_000 }),
      (config) => new VkAttachmentSourceAdapter({ apiUrl: config.VK_API_URL, timeoutMs: 60_000 }),
      (config) => new WhatsappAttachmentSourceAdapter({ graphUrl: config.WHATSAPP_GRAPH_URL, timeoutMs: 60_000 }),
      (config) => new AvitoAttachmentSourceAdapter({ apiUrl: config.AVITO_API_URL, timeoutMs: 60_000 }),
    ]),
    StreamAttachmentUseCase,
  ],
})
export class AttachmentsModule {}
