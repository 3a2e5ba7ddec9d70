import { Global, Module } from '@nestjs/common';
import { CHANNEL_TYPE_ADAPTERS, ChannelTypeRegistry, type ChannelTypeAdapter } from '@crm/channel-types';
import { multiProvider } from '../di/multi-provider';
import { CHANNEL_TYPE_ADAPTER_FACTORIES } from './channel-type-adapters';
import { ChannelTypesController } from './channel-types.controller';

/** The channel-type port's adapters (multi-provider) and their registry, plus GET /channel-types. */
@Global()
@Module({
  controllers: [ChannelTypesController],
  providers: [
    ...multiProvider(CHANNEL_TYPE_ADAPTERS, CHANNEL_TYPE_ADAPTER_FACTORIES),
    { provide: ChannelTypeRegistry, inject: [CHANNEL_TYPE_ADAPTERS], useFactory: (adapters: ChannelTypeAdapter[]) => new ChannelTypeRegistry(adapters) },
  ],
  exports: [ChannelTypeRegistry],
})
export class ChannelTypesModule {}
