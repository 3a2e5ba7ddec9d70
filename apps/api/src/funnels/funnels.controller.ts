import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { ListQueryDto, type Page } from '../http/pagination';
import { AddStageUseCase } from './add-stage/add-stage.usecase';
import { CreateStageDto } from './add-stage/add-stage.dto';
import { CreateFunnelDto } from './create-funnel/create-funnel.dto';
import { CreateFunnelUseCase } from './create-funnel/create-funnel.usecase';
import { DeleteFunnelUseCase } from './delete-funnel/delete-funnel.usecase';
import { DeleteStageUseCase } from './delete-stage/delete-stage.usecase';
import { FunnelListResponse, FunnelResponse } from './funnel.dto';
import { GetFunnelUseCase } from './get-funnel/get-funnel.usecase';
import { ListFunnelsUseCase } from './list-funnels/list-funnels.usecase';
import { UpdateFunnelDto } from './update-funnel/update-funnel.dto';
import { UpdateFunnelUseCase } from './update-funnel/update-funnel.usecase';
import { UpdateStageDto } from './update-stage/update-stage.dto';
import { UpdateStageUseCase } from './update-stage/update-stage.usecase';

const FunnelId = new IdParamPipe(ErrorCode.FUNNEL_NOT_FOUND);
const StageId = new IdParamPipe(ErrorCode.STAGE_NOT_FOUND);
const FUNNEL_404 = { 404: { code: 'FUNNEL_NOT_FOUND', message: 'Воронка не найдена', description: 'No such funnel in this account' } };
const STAGE_404 = { 404: { code: 'STAGE_NOT_FOUND', message: 'Этап воронки не найден', description: 'No such funnel or stage in this account' } };
const EXAMPLE_FUNNEL = {
  id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  name: 'Продажи',
  position: 0,
  stages: [
    { id: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b', name: 'Новый лид', position: 0 },
    { id: '7c2a5d2f-3e4b-4f6a-9bac-1d2e3f4a5b6c', name: 'В работе', position: 1 },
  ],
};

@ApiTags('funnels')
@ApiBearerAuth()
@Controller('api/v1/funnels')
export class FunnelsController {
  constructor(
    private readonly listFunnels: ListFunnelsUseCase,
    private readonly getFunnel: GetFunnelUseCase,
    private readonly createFunnel: CreateFunnelUseCase,
    private readonly updateFunnel: UpdateFunnelUseCase,
    private readonly deleteFunnel: DeleteFunnelUseCase,
    private readonly addStage: AddStageUseCase,
    private readonly updateStage: UpdateStageUseCase,
    private readonly deleteStage: DeleteStageUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listFunnels', summary: 'Funnels of the account in their order, with stages' })
  @ApiJsonResponse(200, FunnelListResponse, { items: [EXAMPLE_FUNNEL], nextCursor: null })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListQueryDto): Promise<Page<FunnelResponse>> {
    return this.listFunnels.execute(user, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getFunnel', summary: 'One funnel with its stages' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([401, 404], FUNNEL_404)
  get(@CurrentUser() user: AuthUser, @Param('id', FunnelId) id: string): Promise<FunnelResponse> {
    return this.getFunnel.execute(user, id);
  }

  @Post()
  @AdminOnly()
  @ApiOperation({ operationId: 'createFunnel', summary: 'Create a funnel (admin)', description: 'Inserted at `position` (0-based; at the end when omitted) with its initial stages in order.' })
  @ApiBody({ type: CreateFunnelDto, examples: { withStages: { value: { name: 'Продажи', stages: [{ name: 'Новый лид' }, { name: 'В работе' }] } }, first: { value: { name: 'Опт', position: 0 } } } })
  @ApiJsonResponse(201, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([400, 401, 403, 413])
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateFunnelDto): Promise<FunnelResponse> {
    return this.createFunnel.execute(user, dto);
  }

  @Patch(':id')
  @AdminOnly()
  @ApiOperation({ operationId: 'updateFunnel', summary: 'Rename and/or move a funnel (admin)', description: 'The other funnels shift so positions stay 0..n-1.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: UpdateFunnelDto, examples: { rename: { value: { name: 'Оптовые продажи' } }, move: { value: { position: 0 } } } })
  @ApiJsonResponse(200, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([400, 401, 403, 404, 413], FUNNEL_404)
  update(@CurrentUser() user: AuthUser, @Param('id', FunnelId) id: string, @Body() dto: UpdateFunnelDto): Promise<FunnelResponse> {
    return this.updateFunnel.execute(user, id, dto);
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteFunnel', summary: 'Delete a funnel and its stages (admin)', description: 'Refused with 409 FUNNEL_IN_USE while channels route to it; `details.channels` names them.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors([401, 403, 404, 409], {
    ...FUNNEL_404,
    409: {
      code: 'FUNNEL_IN_USE',
      message: 'Воронка используется каналами: «Telegram бот»',
      details: { channels: [{ id: '1f0e2d3c-4b5a-4697-8877-665544332211', name: 'Telegram бот' }] },
    },
  })
  remove(@CurrentUser() user: AuthUser, @Param('id', FunnelId) id: string): Promise<void> {
    return this.deleteFunnel.execute(user, id);
  }

  @Post(':id/stages')
  @AdminOnly()
  @ApiOperation({ operationId: 'addFunnelStage', summary: 'Add a stage (admin)', description: 'Inserted at `position` (at the end when omitted); answers the whole funnel.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: CreateStageDto, examples: { last: { value: { name: 'Оплачен' } }, second: { value: { name: 'Квалификация', position: 1 } } } })
  @ApiJsonResponse(201, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([400, 401, 403, 404, 413], FUNNEL_404)
  createStage(@CurrentUser() user: AuthUser, @Param('id', FunnelId) id: string, @Body() dto: CreateStageDto): Promise<FunnelResponse> {
    return this.addStage.execute(user, id, dto);
  }

  @Patch(':id/stages/:stageId')
  @AdminOnly()
  @ApiOperation({ operationId: 'updateFunnelStage', summary: 'Rename and/or move a stage (admin)', description: 'Answers the whole funnel.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'stageId', format: 'uuid' })
  @ApiBody({ type: UpdateStageDto, examples: { rename: { value: { name: 'Переговоры' } }, move: { value: { position: 0 } } } })
  @ApiJsonResponse(200, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([400, 401, 403, 404, 413], STAGE_404)
  patchStage(
    @CurrentUser() user: AuthUser,
    @Param('id', FunnelId) id: string,
    @Param('stageId', StageId) stageId: string,
    @Body() dto: UpdateStageDto,
  ): Promise<FunnelResponse> {
    return this.updateStage.execute(user, id, stageId, dto);
  }

  @Delete(':id/stages/:stageId')
  @AdminOnly()
  @ApiOperation({ operationId: 'deleteFunnelStage', summary: 'Delete a stage (admin)', description: 'Refused with 409 STAGE_IN_USE while channels route to it. Answers the remaining funnel.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'stageId', format: 'uuid' })
  @ApiJsonResponse(200, FunnelResponse, EXAMPLE_FUNNEL)
  @ApiErrors([401, 403, 404, 409], {
    ...STAGE_404,
    409: {
      code: 'STAGE_IN_USE',
      message: 'Этап используется каналами: «Telegram бот»',
      details: { channels: [{ id: '1f0e2d3c-4b5a-4697-8877-665544332211', name: 'Telegram бот' }] },
    },
  })
  removeStage(@CurrentUser() user: AuthUser, @Param('id', FunnelId) id: string, @Param('stageId', StageId) stageId: string): Promise<FunnelResponse> {
    return this.deleteStage.execute(user, id, stageId);
  }
}
