import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@crm/config';

/** Environment of the lead-routing service (DESIGN §3), validated at boot. */
export class LeadRoutingConfig extends BaseServiceConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3201;
}
