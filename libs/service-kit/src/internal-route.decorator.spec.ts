import { Controller } from '@nestjs/common';
import { exploreApiExcludeControllerMetadata } from '@nestjs/swagger/dist/explorers/api-exclude-controller.explorer';
import { HealthController } from './health.controller';
import { InternalRoutes } from './internal-route.decorator';
import { MetricsController } from './metrics.controller';

describe('InternalRoutes', () => {
  it('is read by @nestjs/swagger as an excluded controller: /health and /metrics stay out of the OpenAPI document', () => {
    @Controller('documented')
    class Documented {}
    @InternalRoutes()
    @Controller('internal')
    class Internal {}
    expect(exploreApiExcludeControllerMetadata(Internal)).toBe(true);
    expect(exploreApiExcludeControllerMetadata(Documented)).toBe(false);
    expect(exploreApiExcludeControllerMetadata(HealthController)).toBe(true);
    expect(exploreApiExcludeControllerMetadata(MetricsController)).toBe(true);
  });
});
