import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';

class MeResponse {
  @ApiProperty({ example: '00000000-0000-4000-8000-0000000000a1' }) userId!: string;
  @ApiProperty({ example: '00000000-0000-4000-8000-000000000001' }) accountId!: string;
  @ApiProperty({ enum: ['admin', 'agent'], example: 'admin' }) role!: string;
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  /** Who the bearer token says you are — a quick check that a token is accepted. */
  @Get()
  @ApiOperation({ operationId: 'getMe', summary: 'Who the bearer token says you are', description: 'A quick check that a token is accepted.' })
  @ApiJsonResponse(200, MeResponse, { userId: '00000000-0000-4000-8000-0000000000a1', accountId: '00000000-0000-4000-8000-000000000001', role: 'admin' })
  @ApiErrors([401])
  me(@CurrentUser() user: AuthUser): MeResponse {
    return user;
  }
}
