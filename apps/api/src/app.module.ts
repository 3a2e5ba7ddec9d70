import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ApiConfig } from './config/api.config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { apiValidationPipe } from './http/validation.pipe';
import { MeController } from './me/me.controller';

/** REST for the frontend: channels + wizard, integrations, funnels, dialogs, clients, leads, live events. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'api', config, logger, outboxRelay: true })],
      controllers: [MeController],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: apiValidationPipe },
      ],
    };
  }
}
