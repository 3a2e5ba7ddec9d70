import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { AccountsModule } from './accounts/accounts.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ApiConfig } from './config/api.config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { apiValidationPipe } from './http/validation.pipe';
import { MeController } from './me/me.controller';
import { AttachmentsModule } from './attachments/attachments.module';
import { ChannelTypesModule } from './channel-types/channel-types.module';
import { ChannelsModule } from './channels/channels.module';
import { FunnelsModule } from './funnels/funnels.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { SecurityModule } from './security/security.module';
import { ClientsModule } from './clients/clients.module';
import { DialogsModule } from './dialogs/dialogs.module';
import { EventsModule } from './events/events.module';
import { LeadsModule } from './leads/leads.module';

/** REST for the frontend: channels + wizard, integrations, funnels, dialogs, clients, leads, live events. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'api', config, logger, outboxRelay: config.OUTBOX_RELAY_ENABLED }),
        AccountsModule,
        SecurityModule,
        ChannelTypesModule,
        IntegrationsModule,
        FunnelsModule,
        ChannelsModule,
        AttachmentsModule,
        DialogsModule,
        ClientsModule,
        LeadsModule,
        EventsModule,
      ],
      controllers: [MeController],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: apiValidationPipe },
      ],
    };
  }
}
