import { Module } from '@nestjs/common';
import { ChannelReferencesValidator } from '../channels/channel-references';
import { RoutingController } from './routing.controller';
import { SimulateRoutingUseCase } from './simulate-routing/simulate-routing.usecase';

/** The routing preview of wizard step 2 (POST /routing/simulate). */
@Module({ controllers: [RoutingController], providers: [SimulateRoutingUseCase, ChannelReferencesValidator] })
export class RoutingModule {}
