import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { ServiceKitModule, whitelistValidationPipe } from '@crm/service-kit';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ApiConfig } from './config/api.config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { MeController } from './me/me.controller';
import { AsyncApiController } from './asyncapi/asyncapi.controller';
import { AttachmentsModule } from './attachments/attachments.module';
import { ChannelTypesModule } from './channel-types/channel-types.module';
import { ChannelsModule } from './channels/channels.module';
import { FunnelsModule } from './funnels/funnels.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { SecurityModule } from './security/security.module';
import { ClientsModule } from './clients/clients.module';
import { EraseClientModule } from './clients/erase-client/erase-client.module';
import { ExportClientModule } from './clients/export-client/export-client.module';
import { DialogsModule } from './dialogs/dialogs.module';
import { EventsModule } from './events/events.module';
import { LeadsModule } from './leads/leads.module';
import { RoutingModule } from './routing/routing.module';
import { MergeClientModule } from './clients/merge-client/merge-client.module';

/** REST for the frontend: channels + wizard, integrations, funnels, dialogs, clients, leads, live events. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'api', config, logger, outboxRelay: config.OUTBOX_RELAY_ENABLED }),
        AccountsModule,
        AuditModule,
        SecurityModule,
        ChannelTypesModule,
        IntegrationsModule,
        FunnelsModule,
        ChannelsModule,
        AttachmentsModule,
        DialogsModule,
        ClientsModule,
        ExportClientModule,
        EraseClientModule,
        LeadsModule,
        RoutingModule,
        MergeClientModule,
        EventsModule,
      ],
      controllers: [MeController, AsyncApiController],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: whitelistValidationPipe },
      ],
    };
  }
}
