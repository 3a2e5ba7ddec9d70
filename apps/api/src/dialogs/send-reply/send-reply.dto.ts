import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { LIMITS } from '@crm/contracts';

/** An approved message template (WhatsApp), sent instead of text outside the channel type's reply window. */
export class ReplyTemplateDto {
  @ApiProperty({ example: 'order_ready', description: 'The approved template name (GET /channels/:id/templates)' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'template.name must be a template name (lower-case letters, digits, "_")' })
  name!: string;

  @ApiProperty({ example: 'ru', description: 'The template language code' })
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$/, { message: 'template.language must be a language code such as ru or en_US' })
  language!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    maxItems: LIMITS.attachments,
    example: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }],
    description: 'Template parameters, as the platform defines them',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.attachments)
  @IsObject({ each: true })
  components?: Array<Record<string, unknown>>;
}

/** An agent's reply, sent out through the dialog's channel: `text`, or (WhatsApp) an approved `template`. */
export class SendReplyDto {
  @ApiPropertyOptional({ example: 'Доставка бесплатная, привезём завтра', maxLength: LIMITS.text })
  @ValidateIf((o: SendReplyDto) => o.template === undefined || o.text !== undefined)
  @IsString()
  @MaxLength(LIMITS.text)
  @Matches(/\S/, { message: 'text must not be blank' })
  text?: string;

  @ApiPropertyOptional({ type: ReplyTemplateDto, description: 'Instead of text: an approved template (the only reply allowed outside the reply window)' })
  @ValidateIf((o: SendReplyDto) => o.template !== undefined)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplyTemplateDto)
  template?: ReplyTemplateDto;
}

export class SendReplyCommand {
  constructor(
    readonly dialogId: string,
    readonly text: string | undefined,
    readonly template?: ReplyTemplateDto,
    /** The request's Idempotency-Key: a repeat with it returns the reply the first request created. */
    readonly idempotencyKey?: string,
  ) {}
}
