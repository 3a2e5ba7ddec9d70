import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChannelTypeRegistry } from '@crm/channel-types';
import type { Locale } from '@crm/domain';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { RequestLocale } from '../http/locale.decorator';
import { TELEGRAM_DESCRIPTOR } from '@crm/platform-telegram';
import { ChannelTypeListResponse, presentChannelType } from './channel-type.dto';

const TELEGRAM_EXAMPLE = presentChannelType(TELEGRAM_DESCRIPTOR, true, 'ru');

@ApiTags('channel types')
@ApiBearerAuth()
@Controller('api/v1/channel-types')
export class ChannelTypesController {
  constructor(@Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry) {}

  @Get()
  @ApiOperation({
    operationId: 'listChannelTypes',
    summary: 'Channel types the wizard offers',
    description:
      'Each type with its settings fields (name, required, secret, format hint), a setup-instructions link, what the platform allows (capabilities) ' +
      'and whether it is available (false while nothing receives its messages). Texts follow Accept-Language.',
  })
  @ApiJsonResponse(200, ChannelTypeListResponse, { items: [TELEGRAM_EXAMPLE], nextCursor: null })
  @ApiErrors([401])
  list(@RequestLocale() locale: Locale): ChannelTypeListResponse {
    return { items: this.registry.catalog().map((t) => presentChannelType(t.descriptor, t.available, locale)), nextCursor: null };
  }
}
