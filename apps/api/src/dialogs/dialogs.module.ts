import { Module } from '@nestjs/common';
import { ApplyMessageStatusUseCase } from './apply-message-status/apply-message-status.usecase';
import { MessageStatusConsumer } from './apply-message-status/message-status.consumer';
import { CloseDialogUseCase } from './close-dialog/close-dialog.usecase';
import { DialogsController } from './dialogs.controller';
import { GetDialogUseCase } from './get-dialog/get-dialog.usecase';
import { ListDialogsUseCase } from './list-dialogs/list-dialogs.usecase';
import { ListMessagesUseCase } from './list-messages/list-messages.usecase';
import { MarkDialogReadUseCase } from './mark-dialog-read/mark-dialog-read.usecase';
import { SendReplyUseCase } from './send-reply/send-reply.usecase';

/** Dialogs and their messages: reading, agent replies (through the outbox), close/read, delivery statuses. */
@Module({
  controllers: [DialogsController, MessageStatusConsumer],
  providers: [
    ListDialogsUseCase,
    GetDialogUseCase,
    ListMessagesUseCase,
    SendReplyUseCase,
    CloseDialogUseCase,
    MarkDialogReadUseCase,
    ApplyMessageStatusUseCase,
  ],
})
export class DialogsModule {}
