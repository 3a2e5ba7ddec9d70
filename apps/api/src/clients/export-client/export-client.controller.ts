import { pipeline, Readable } from 'node:stream';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { AdminOnly, CurrentUser } from '../../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../../http/api-errors.decorator';
import { IdParamPipe } from '../../http/id-param.pipe';
import { ClientExportResponse } from './client-export.dto';
import { ExportClientUseCase } from './export-client.usecase';

const EXAMPLE = {
  exportedAt: '2026-03-02T08:00:00.000Z',
  client: { id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', name: 'Иван Петров', phone: '+79001234567', phoneVerified: true, email: null, createdAt: '2026-03-01T10:15:30.000Z' },
  identities: [],
  possibleDuplicates: [],
  leads: [],
  syncRecords: [],
  merges: [],
  dialogs: [],
};

@ApiTags('clients')
@ApiBearerAuth()
@Controller('api/v1/clients')
export class ExportClientController {
  constructor(private readonly exportClient: ExportClientUseCase) {}

  @Get(':id/export')
  @AdminOnly()
  @ApiOperation({
    operationId: 'exportClient',
    summary: 'Everything held about the client, as JSON (152-FZ / GDPR access request, admin)',
    description:
      'The client, its identities, possible duplicates, leads, CRM sync records, merges, and every dialog with every message ' +
      '(texts, attachment references, statuses, edit history). Streamed; recorded in the audit log as client.exported.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, ClientExportResponse, EXAMPLE)
  @ApiErrors([401, 403, 404], { 404: { code: 'CLIENT_NOT_FOUND', message: 'Клиент не найден' } })
  async export(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.CLIENT_NOT_FOUND)) id: string, @Res() res: Response): Promise<void> {
    const chunks = await this.exportClient.execute(user, id);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="client-${id}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    // A failure mid-document destroys the response (the client sees a truncated body, never a valid-looking partial one).
    pipeline(Readable.from(chunks), res, () => undefined);
  }
}
