import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { ListQueryDto } from '../http/pagination';
import { ClientDetailResponse, ClientListResponse } from './client.dto';
import { GetClientUseCase } from './get-client/get-client.usecase';
import { ListClientsUseCase } from './list-clients/list-clients.usecase';

/** Clients found or created by routing, with the platform identities linked to them and why. */
@ApiTags('clients')
@ApiBearerAuth()
@Controller('api/v1/clients')
export class ClientsController {
  constructor(
    private readonly listClients: ListClientsUseCase,
    private readonly getClient: GetClientUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listClients', summary: 'Clients, newest first, with identities and match reasons' })
  @ApiOkResponse({ type: ClientListResponse })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListQueryDto): Promise<ClientListResponse> {
    return this.listClients.execute(user, query);
  }

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' })
  @ApiOperation({ operationId: 'getClient', summary: 'A client with its identities and its possible duplicates (other clients with the same phone, never merged automatically)' })
  @ApiOkResponse({ type: ClientDetailResponse })
  @ApiErrors([401, 404], { 404: { code: 'CLIENT_NOT_FOUND', message: 'Клиент не найден' } })
  get(@CurrentUser() user: AuthUser, @Param('id', new IdParamPipe(ErrorCode.CLIENT_NOT_FOUND)) id: string): Promise<ClientDetailResponse> {
    return this.getClient.execute(user, id);
  }
}
