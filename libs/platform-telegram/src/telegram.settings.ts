import { IsString, Matches } from 'class-validator';
import { TELEGRAM_BOT_TOKEN_PATTERN } from './bot-api/bot-token';

/** Settings of a Telegram channel (DESIGN §4): the bot token from @BotFather. */
export class TelegramSettings {
  @IsString()
  @Matches(TELEGRAM_BOT_TOKEN_PATTERN, { message: 'botToken must look like 123456789:AAH… (the token @BotFather gave you)' })
  botToken!: string;
}
