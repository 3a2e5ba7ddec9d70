import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { LIMITS } from '@crm/contracts';

/** An agent's reply, sent out through the dialog's channel. */
export class SendReplyDto {
  @ApiProperty({ example: 'Доставка бесплатная, привезём завтра', maxLength: LIMITS.text })
  @IsString()
  @MaxLength(LIMITS.text)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;
}

export class SendReplyCommand {
  constructor(
    readonly dialogId: string,
    readonly text: string,
  ) {}
}
