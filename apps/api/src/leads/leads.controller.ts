import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { GetLeadUseCase } from './get-lead/get-lead.usecase';
import { LeadListResponse, LeadResponse } from './lead.dto';
import { ListLeadsQueryDto } from './list-leads/list-leads.dto';
import { ListLeadsUseCase } from './list-leads/list-leads.usecase';

/** Leads created or linked by routing, with their sync state towards the account's external CRMs. */
@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads')
export class LeadsController {
  constructor(
    private readonly listLeads: ListLeadsUseCase,
    private readonly getLead: GetLeadUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Leads, newest first' })
  @ApiOkResponse({ type: LeadListResponse })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListLeadsQueryDto): Promise<LeadListResponse> {
    return this.listLeads.execute(user, query);
  }

  @Get(':id')
  @ApiParam({ name: 'id', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' })
  @ApiOkResponse({ type: LeadResponse })
  @ApiErrors([401, 404], { 404: { code: 'LEAD_NOT_FOUND', message: 'Сделка не найдена' } })
  get(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.LEAD_NOT_FOUND)) id: string): Promise<LeadResponse> {
    return this.getLead.execute(user, id);
  }
}
