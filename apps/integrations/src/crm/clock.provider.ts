import type { Provider } from '@nestjs/common';
import { scaledClock, type Clock } from '@crm/crm-port';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { IntegrationsConfig } from '../config/integrations.config';

/** DI token of the application clock every due time is computed with (SYNC_CLOCK_RATE, from SYNC_CLOCK_ORIGIN). */
export const CLOCK = Symbol('CLOCK');

export const clockProvider: Provider<Clock> = {
  provide: CLOCK,
  inject: [SERVICE_CONFIG],
  useFactory: (config: IntegrationsConfig) => scaledClock(config.SYNC_CLOCK_RATE, config.SYNC_CLOCK_ORIGIN),
};
