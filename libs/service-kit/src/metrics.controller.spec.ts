import { register } from 'prom-client';
import { MetricsController } from './metrics.controller';

describe('MetricsController', () => {
  it('serves the default process/runtime metrics under their standard, unprefixed names', async () => {
    const text = await new MetricsController().metrics();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const name of ['process_cpu_seconds_total', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(names).toContain(name);
    }
    expect([...names].filter((n) => /^crm_(process|nodejs)_/.test(n))).toEqual([]);
  });

  it('registers the defaults once, however many controllers are created', async () => {
    new MetricsController();
    new MetricsController();
    expect(register.getMetricsAsArray().filter((m) => m.name === 'process_cpu_seconds_total')).toHaveLength(1);
  });
});
