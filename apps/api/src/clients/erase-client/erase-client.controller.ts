import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { AdminOnly, CurrentUser } from '../../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../../http/api-errors.decorator';
import { IdParamPipe } from '../../http/id-param.pipe';
import { EraseClientResponse } from './erase-client.dto';
import { EraseClientUseCase } from './erase-client.usecase';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('api/v1/clients')
export class EraseClientController {
  constructor(private readonly eraseClient: EraseClientUseCase) {}

  @Delete(':id')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'eraseClient',
    summary: 'Erase the client’s personal data everywhere (152-FZ / GDPR, admin)',
    description:
      'Deletes the client and its identities, and removes names, phones, usernames, message texts and attachments from its dialogs, ' +
      'messages and leads, which remain as anonymous rows. The CRMs its leads were forwarded to get a note without personal data; ' +
      'records still waiting to be forwarded are cancelled. Recorded in the audit log. A later message from the same sender starts a new client.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, EraseClientResponse, {
    clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    erasedAt: '2026-03-01T10:15:30.000Z',
    dialogs: 2,
    messages: 37,
    leads: 1,
    identities: 2,
  })
  @ApiErrors([401, 403, 404], { 404: { code: 'CLIENT_NOT_FOUND', message: 'Клиент не найден' } })
  erase(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.CLIENT_NOT_FOUND)) id: string): Promise<EraseClientResponse> {
    return this.eraseClient.execute(user, id);
  }
}
