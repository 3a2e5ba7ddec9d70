import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { AdminOnly, CurrentUser } from '../../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../../http/api-errors.decorator';
import { IdParamPipe } from '../../http/id-param.pipe';
import { ClientDetailResponse } from '../client.dto';
import { MergeClientDto } from './merge-client.dto';
import { MergeClientUseCase } from './merge-client.usecase';

const SURVIVOR = {
  id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  name: 'Иван Петров',
  phone: '+79001234567',
  phoneVerified: true,
  email: null,
  identities: [
    { channelType: 'whatsapp', channelId: '2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', externalUserId: '79001234567', username: null, phone: '+79001234567', displayName: 'Иван', matchRule: 'created', createdAt: '2026-03-01T09:00:00.000Z' },
    { channelType: 'telegram', channelId: '1f0e2d3c-4b5a-4697-8877-665544332211', externalUserId: '123456789', username: 'ivan_petrov', phone: '+79001234567', displayName: 'Иван Петров', matchRule: 'created', createdAt: '2026-03-02T10:00:00.000Z' },
  ],
  createdAt: '2026-03-01T09:00:00.000Z',
  possibleDuplicates: [],
};

/** Merging two clients that are one person (DESIGN §4); the list/get routes are ClientsController's. */
@ApiTags('clients')
@ApiBearerAuth()
@Controller('api/v1/clients')
export class MergeClientController {
  constructor(private readonly mergeClient: MergeClientUseCase) {}

  @Post(':id/merge')
  @AdminOnly()
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'The client merged away (its row is removed; GET /clients/:id then answers 404)', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' })
  @ApiOperation({
    operationId: 'mergeClient',
    summary: 'Merge client :id into intoClientId: identities, dialogs and leads move to the survivor, in one transaction',
    description:
      'The survivor keeps its fields and gets the missing ones (name, phone — a verified phone wins over a typed one —, email) from the merged client. The merge is kept in the history and the audit log, and `client.merged` is sent to the CRMs as a comment on the survivor\'s leads. Admin only.',
  })
  @ApiJsonResponse(200, ClientDetailResponse, SURVIVOR, { description: 'The surviving client with the identities of both' })
  @ApiErrors([400, 401, 403, 404, 422], {
    404: { code: 'CLIENT_NOT_FOUND', message: 'Клиент не найден', description: 'CLIENT_NOT_FOUND: :id or intoClientId is not a client of this account (or was merged already)' },
    422: { code: 'CLIENT_MERGE_INTO_ITSELF', message: 'Нельзя объединить клиента с самим собой', description: 'CLIENT_MERGE_INTO_ITSELF: intoClientId is :id' },
  })
  merge(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.CLIENT_NOT_FOUND)) id: string, @Body() body: MergeClientDto): Promise<ClientDetailResponse> {
    return this.mergeClient.execute(user, id, body.intoClientId.toLowerCase());
  }
}
