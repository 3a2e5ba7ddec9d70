import { IsOptional, IsString, Matches } from 'class-validator';

export const WHATSAPP_PHONE_NUMBER_ID_PATTERN = /^\d{5,30}$/;
export const WHATSAPP_ACCESS_TOKEN_PATTERN = /^[A-Za-z0-9_.|-]{20,1024}$/;
export const WHATSAPP_APP_SECRET_PATTERN = /^[A-Fa-f0-9]{32}$/;
export const WHATSAPP_BUSINESS_ACCOUNT_ID_PATTERN = /^\d{5,30}$/;

/** Settings of a WhatsApp Business Cloud API channel (DESIGN §4). */
export class WhatsappSettings {
  /** The business phone number's id in the Cloud API (not the phone number itself); webhooks route by it. */
  @IsString()
  @Matches(WHATSAPP_PHONE_NUMBER_ID_PATTERN, { message: 'phoneNumberId must be the numeric Phone number ID from the WhatsApp API Setup page' })
  phoneNumberId!: string;

  /** A system-user (permanent) access token with whatsapp_business_messaging. */
  @IsString()
  @Matches(WHATSAPP_ACCESS_TOKEN_PATTERN, { message: 'accessToken must be a Meta access token (20–1024 letters, digits, "_", "-", ".", "|")' })
  accessToken!: string;

  /** The Meta app's secret: signs every webhook (X-Hub-Signature-256). */
  @IsString()
  @Matches(WHATSAPP_APP_SECRET_PATTERN, { message: 'appSecret must be the 32 hex characters of the Meta app secret' })
  appSecret!: string;

  /** Optional WhatsApp Business Account (WABA) id: needed for templates (GET /{waba-id}/message_templates). */
  @IsOptional()
  @IsString()
  @Matches(WHATSAPP_BUSINESS_ACCOUNT_ID_PATTERN, { message: 'businessAccountId must be the numeric WhatsApp Business Account ID' })
  businessAccountId?: string;
}
