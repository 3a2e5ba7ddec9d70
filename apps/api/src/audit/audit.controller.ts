import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import type { Page } from '../http/pagination';
import { AuditListResponse, type AuditEntryResponse } from './audit-entry.dto';
import { ListAuditQueryDto } from './list-audit/list-audit.dto';
import { ListAuditUseCase } from './list-audit/list-audit.usecase';

const EXAMPLE = {
  id: '9b2c4f1e-7d3a-4e5b-8c6d-1a2b3c4d5e6f',
  at: '2026-03-01T10:15:30.000Z',
  userId: 'user-42',
  action: 'client.erased',
  entity: 'client',
  entityId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
};

/** Who merged, exported or erased whose personal data, and when (152-FZ / GDPR accountability). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly listAudit: ListAuditUseCase) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'Audit log of actions on personal data, newest first (admin)',
    description: 'Client merges, exports and erasures of the account. Filter by `action` and `entityId`.',
  })
  @ApiJsonResponse(200, AuditListResponse, { items: [EXAMPLE], nextCursor: null })
  @ApiErrors([400, 401, 403])
  list(@CurrentUser() user: AuthUser, @Query() query: ListAuditQueryDto): Promise<Page<AuditEntryResponse>> {
    return this.listAudit.execute(user, query);
  }
}
