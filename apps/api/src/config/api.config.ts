import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithAvitoApiUrl, WithJwtSecret, WithPublicUrl, WithSecretsKey, WithTelegramApiRoot, WithVkApiUrl, WithWhatsappGraphUrl, toInt } from '@crm/config';

/** Environment of the api service (DESIGN §3), validated at boot. */
export class ApiConfig extends WithAvitoApiUrl(WithVkApiUrl(WithWhatsappGraphUrl(WithTelegramApiRoot(WithJwtSecret(WithPublicUrl(WithSecretsKey(BaseServiceConfig))))))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3000;
}
