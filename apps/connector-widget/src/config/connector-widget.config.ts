import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, toInt } from '@crm/config';

/** Environment of the connector-widget service (DESIGN §3), validated at boot. */
export class ConnectorWidgetConfig extends WithPublicUrl(WithSecretsKey(BaseServiceConfig)) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3105;
}
