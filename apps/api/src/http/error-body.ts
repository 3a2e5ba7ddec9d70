import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';

/** One rejected field of a request (`details` of VALIDATION_FAILED, …_SETTINGS_INVALID, …_NOT_FOUND of a reference, …). */
export class FieldProblem {
  @ApiProperty({ example: 'settings.botToken', description: 'Dotted path of the field in the request ("" = the whole body)' }) path!: string;
  @ApiProperty({ type: [String], example: ['botToken must look like 123456789:AAH… (the token @BotFather gave you)'] }) constraints!: string[];
}

/** `details` of 409 CHANNEL_ALREADY_CONNECTED: the channel that already holds the bot / community / number. */
export class AlreadyConnectedDetails {
  @ApiProperty({ example: '1f0e2d3c-4b5a-4697-8877-665544332211' }) channelId!: string;
  @ApiProperty({ example: 'Telegram бот' }) channelName!: string;
}

export class ChannelRef {
  @ApiProperty({ example: '1f0e2d3c-4b5a-4697-8877-665544332211' }) id!: string;
  @ApiProperty({ example: 'Telegram бот' }) name!: string;
}

/** `details` of 409 FUNNEL_IN_USE / STAGE_IN_USE / INTEGRATION_IN_USE: the channels that depend on the target. */
export class InUseDetails {
  @ApiProperty({ type: [ChannelRef] }) channels!: ChannelRef[];
}

/** The shapes `details` takes, for the document (`oneOf`). */
export const ERROR_DETAIL_MODELS = [FieldProblem, AlreadyConnectedDetails, InUseDetails, ChannelRef] as const;

/** Every error answer of the API: `{ statusCode, code, message, details?, requestId }` (DESIGN §4). */
@ApiExtraModels(...ERROR_DETAIL_MODELS)
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 422, description: 'The HTTP status, repeated' })
  statusCode!: number;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.TELEGRAM_TOKEN_INVALID, description: 'Stable upper-snake code' })
  code!: ErrorCode;
  @ApiProperty({ example: 'Telegram отклонил токен бота. Проверьте токен у @BotFather', description: 'Russian by default, English with Accept-Language: en' })
  message!: string;
  @ApiPropertyOptional({
    description:
      'Structured detail for the client: the rejected fields (`[{ path, constraints }]`) for validation and reference errors; ' +
      '`{ channelId, channelName }` for CHANNEL_ALREADY_CONNECTED; `{ channels: [{ id, name }] }` for …_IN_USE.',
    oneOf: [{ type: 'array', items: { $ref: getSchemaPath(FieldProblem) } }, { $ref: getSchemaPath(AlreadyConnectedDetails) }, { $ref: getSchemaPath(InUseDetails) }],
    example: [{ path: 'settings.botToken', constraints: ['botToken must look like 123456789:AAH… (the token @BotFather gave you)'] }],
  })
  details?: FieldProblem[] | AlreadyConnectedDetails | InUseDetails;
  @ApiProperty({ example: '5f0c8a9e-3b1d-4c2e-9f7a-6d8b1e2c3a4f', description: 'Id of the request (its x-request-id, or generated), also on its log lines' })
  requestId!: string;
}

/** The requestId of the documented error examples. */
export const EXAMPLE_REQUEST_ID = '5f0c8a9e-3b1d-4c2e-9f7a-6d8b1e2c3a4f';
