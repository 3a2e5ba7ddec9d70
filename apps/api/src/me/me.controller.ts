import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ErrorBody } from '../http/error-body';

class MeResponse {
  @ApiProperty({ example: '00000000-0000-4000-8000-0000000000a1' }) userId!: string;
  @ApiProperty({ example: '00000000-0000-4000-8000-000000000001' }) accountId!: string;
  @ApiProperty({ enum: ['admin', 'agent'] }) role!: string;
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  /** Who the bearer token says you are — a quick check that a token is accepted. */
  @Get()
  @ApiOkResponse({ type: MeResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody })
  me(@CurrentUser() user: AuthUser): MeResponse {
    return user;
  }
}
