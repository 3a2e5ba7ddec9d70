import { Module } from '@nestjs/common';
import { ActivateChannelUseCase } from './activate-channel/activate-channel.usecase';
import { ApplyChannelHealthUseCase } from './apply-channel-health/apply-channel-health.usecase';
import { ChannelConfigPublisher } from './channel-config.publisher';
import { ChannelHealthConsumer } from './channel-health.consumer';
import { ChannelReferencesValidator } from './channel-references';
import { ChannelSettingsService } from './channel-settings.service';
import { ChannelPresenter } from './channel.presenter';
import { ChannelsController } from './channels.controller';
import { CreateChannelUseCase } from './create-channel/create-channel.usecase';
import { DeactivateChannelUseCase } from './deactivate-channel/deactivate-channel.usecase';
import { DeleteChannelUseCase } from './delete-channel/delete-channel.usecase';
import { GetChannelUseCase } from './get-channel/get-channel.usecase';
import { ListChannelsUseCase } from './list-channels/list-channels.usecase';
import { ListTemplatesUseCase } from './list-templates/list-templates.usecase';
import { ChannelReverifyScheduler } from './reverify-channels/channel-reverify.scheduler';
import { ReverifyChannelUseCase } from './reverify-channels/reverify-channels.usecase';
import { UpdateChannelUseCase } from './update-channel/update-channel.usecase';

/** Channels: the wizard, CRUD, activation, config published through the outbox, health from connectors, re-checks. */
@Module({
  controllers: [ChannelsController, ChannelHealthConsumer],
  providers: [
    ChannelPresenter,
    ChannelSettingsService,
    ChannelReferencesValidator,
    ChannelConfigPublisher,
    ListChannelsUseCase,
    GetChannelUseCase,
    ListTemplatesUseCase,
    CreateChannelUseCase,
    UpdateChannelUseCase,
    DeleteChannelUseCase,
    ActivateChannelUseCase,
    DeactivateChannelUseCase,
    ApplyChannelHealthUseCase,
    ReverifyChannelUseCase,
    ChannelReverifyScheduler,
  ],
})
export class ChannelsModule {}
