import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { GetLeadUseCase } from './get-lead/get-lead.usecase';
import { LeadListResponse, LeadResponse } from './lead.dto';
import { ListLeadsQueryDto } from './list-leads/list-leads.dto';
import { ListLeadsUseCase } from './list-leads/list-leads.usecase';
import { UpdateLeadDto } from './update-lead/update-lead.dto';
import { UpdateLeadUseCase } from './update-lead/update-lead.usecase';

/** Leads created or linked by routing, with their sync state towards the account's external CRMs. */
@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads')
export class LeadsController {
  constructor(
    private readonly listLeads: ListLeadsUseCase,
    private readonly getLead: GetLeadUseCase,
    private readonly updateLead: UpdateLeadUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listLeads', summary: 'Leads, newest first' })
  @ApiOkResponse({ type: LeadListResponse })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListLeadsQueryDto): Promise<LeadListResponse> {
    return this.listLeads.execute(user, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getLead', summary: 'One lead with its sync state towards the CRMs' })
  @ApiParam({ name: 'id', format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' })
  @ApiOkResponse({ type: LeadResponse })
  @ApiErrors([401, 404], { 404: { code: 'LEAD_NOT_FOUND', message: 'Сделка не найдена' } })
  get(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.LEAD_NOT_FOUND)) id: string): Promise<LeadResponse> {
    return this.getLead.execute(user, id);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateLead',
    summary: 'Move a lead to another stage of its funnel, or close it as won / lost (or reopen it)',
    description:
      'Admins and agents. The stage must belong to the lead’s funnel (an unsorted lead is sorted into the stage’s ' +
      'funnel). A closed lead is never linked to a new conversation again: the client’s next conversation gets a new ' +
      'lead when the channel creates leads. A change emits `lead.updated` (crm.events.v1 and GET /events).',
  })
  @ApiParam({ name: 'id', format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' })
  @ApiJsonResponse(200, LeadResponse, {
    id: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b',
    clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    funnelId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    stageId: '7c2a5d2f-3e4b-4f6a-9bac-1d2e3f4a5b6c',
    channelId: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f',
    dialogId: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e',
    title: 'Иван Петров — Telegram бот',
    status: 'won',
    sync: [],
    createdAt: '2026-03-01T10:15:30.000Z',
  })
  @ApiErrors([400, 401, 404], {
    400: { code: 'STAGE_NOT_IN_FUNNEL', message: 'Этап не принадлежит выбранной воронке', description: 'STAGE_NOT_IN_FUNNEL (another funnel’s stage) or VALIDATION_FAILED' },
    404: { code: 'LEAD_NOT_FOUND', message: 'Сделка не найдена', description: 'LEAD_NOT_FOUND, or STAGE_NOT_FOUND for a stage of no funnel of this account' },
  })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', new IdParamPipe(ErrorCode.LEAD_NOT_FOUND)) id: string,
    @Body() dto: UpdateLeadDto,
  ): Promise<LeadResponse> {
    return this.updateLead.execute(user, id, dto);
  }
}
