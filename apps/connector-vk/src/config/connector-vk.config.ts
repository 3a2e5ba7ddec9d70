import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, WithVkApiUrl, toInt } from '@crm/config';

/** Environment of the connector-vk service (DESIGN §3), validated at boot. */
export class ConnectorVkConfig extends WithVkApiUrl(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3103;
}
