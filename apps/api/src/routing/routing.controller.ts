import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { SimulateRoutingDto, SimulateRoutingResponse } from './simulate-routing/simulate-routing.dto';
import { SimulateRoutingUseCase } from './simulate-routing/simulate-routing.usecase';

const EXAMPLE = {
  dialog: 'new',
  client: { action: 'matched', clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', rule: 'phone' },
  lead: { action: 'created', funnelId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', stageId: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b' },
};

/** Routing rules (DESIGN §7) tried on a sample sender before a channel is saved. */
@ApiTags('routing')
@ApiBearerAuth()
@Controller('api/v1/routing')
export class RoutingController {
  constructor(private readonly simulateRouting: SimulateRoutingUseCase) {}

  @Post('simulate')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'simulateRouting',
    summary: 'What a first message of a sample sender would do with this routing now (dialog, client, lead); writes nothing',
    description: 'The very rules lead-routing applies, on the account\'s current clients, identities, dialogs and leads. Admin only, like the channel settings it previews.',
  })
  @ApiJsonResponse(200, SimulateRoutingResponse, EXAMPLE)
  @ApiErrors([400, 401, 403, 404], {
    400: {
      code: 'VALIDATION_FAILED',
      message: 'Некорректные данные запроса',
      description: 'VALIDATION_FAILED (unknown fields, a channelType that is not a channel type or not the channel\'s), STAGE_NOT_IN_FUNNEL',
      details: [{ path: 'channelType', constraints: ['channelType must be one of the following values: telegram, whatsapp, vk, avito, widget'] }],
    },
    404: {
      code: 'FUNNEL_NOT_FOUND',
      message: 'Воронка не найдена',
      description: 'CHANNEL_NOT_FOUND (channelId), FUNNEL_NOT_FOUND / STAGE_NOT_FOUND (routing) — another account\'s ids included',
      details: [{ path: 'routing.funnelId', constraints: ['no such funnel in this account'] }],
    },
  })
  simulate(@CurrentUser() user: AuthUser, @Body() body: SimulateRoutingDto): Promise<SimulateRoutingResponse> {
    return this.simulateRouting.execute(user, body);
  }
}
