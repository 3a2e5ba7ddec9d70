import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, WithWhatsappGraphUrl, toInt } from '@crm/config';

/** Environment of the connector-whatsapp service (DESIGN §3), validated at boot. */
export class ConnectorWhatsappConfig extends WithWhatsappGraphUrl(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3102;
}
