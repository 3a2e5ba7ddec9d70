import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithSecretsKey, toInt } from '@crm/config';

/** Environment of the integrations service (DESIGN §3), validated at boot. */
export class IntegrationsConfig extends WithSecretsKey(BaseServiceConfig) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3202;
}
