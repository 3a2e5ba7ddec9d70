import { ApiProperty } from '@nestjs/swagger';

/** An approved message template of a channel (WhatsApp: from GET /{waba-id}/message_templates). */
export class TemplateResponse {
  @ApiProperty({ example: 'order_ready' }) name!: string;
  @ApiProperty({ example: 'ru' }) language!: string;
  @ApiProperty({ type: String, nullable: true, example: 'UTILITY' }) category!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [{ type: 'BODY', text: 'Ваш заказ {{1}} готов' }], description: 'As the platform describes them' })
  components!: unknown[];
}

export class TemplateListResponse {
  @ApiProperty({ type: [TemplateResponse] }) items!: TemplateResponse[];
}
