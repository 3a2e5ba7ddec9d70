import { Module } from '@nestjs/common';
import { AddStageUseCase } from './add-stage/add-stage.usecase';
import { CreateFunnelUseCase } from './create-funnel/create-funnel.usecase';
import { DeleteFunnelUseCase } from './delete-funnel/delete-funnel.usecase';
import { DeleteStageUseCase } from './delete-stage/delete-stage.usecase';
import { FunnelsController } from './funnels.controller';
import { GetFunnelUseCase } from './get-funnel/get-funnel.usecase';
import { ListFunnelsUseCase } from './list-funnels/list-funnels.usecase';
import { UpdateFunnelUseCase } from './update-funnel/update-funnel.usecase';
import { UpdateStageUseCase } from './update-stage/update-stage.usecase';

/** Funnels and their ordered stages (wizard step 2 picks one). */
@Module({
  controllers: [FunnelsController],
  providers: [
    ListFunnelsUseCase,
    GetFunnelUseCase,
    CreateFunnelUseCase,
    UpdateFunnelUseCase,
    DeleteFunnelUseCase,
    AddStageUseCase,
    UpdateStageUseCase,
    DeleteStageUseCase,
  ],
})
export class FunnelsModule {}
