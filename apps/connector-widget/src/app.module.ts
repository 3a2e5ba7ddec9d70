import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { secretKeyringFromEnv } from '@crm/secrets';
import { ServiceKitModule, whitelistValidationPipe } from '@crm/service-kit';
import { VisitorTokens } from '@crm/widget-visitor';
import { WidgetChannelDirectory } from './channels/widget-channel.port';
import { WidgetChannelRepository } from './channels/widget-channel.repository';
import { ConnectorWidgetConfig } from './config/connector-widget.config';
import { VisitorConversations } from './conversation/visitor-conversation.port';
import { VisitorConversationRepository } from './conversation/visitor-conversation.repository';
import { ConfirmReplyUseCase } from './delivery/confirm-reply/confirm-reply.usecase';
import { ReplyConsumer } from './delivery/reply.consumer';
import { WidgetEventPublisher } from './delivery/widget-event.publisher';
import { DemoPage } from './http/demo-page.renderer';
import { IpRateLimitMiddleware } from './http/ip-rate-limit.middleware';
import { WidgetAssetsController } from './http/widget-assets.controller';
import { WidgetCorsMiddleware } from './http/widget-cors.middleware';
import { WidgetExceptionFilter } from './http/widget-exception.filter';
import { WidgetScript } from './http/widget-script.asset';
import { ConnectVisitorUseCase } from './live/connect-visitor/connect-visitor.usecase';
import { FanOutUseCase } from './live/fan-out/fan-out.usecase';
import { LiveConnections } from './live/live-connections.registry';
import { LiveFanOutConsumer } from './live/live-fan-out.consumer';
import { LiveGateway } from './live/live.gateway';
import { AcknowledgeRepliesUseCase } from './visitor/acknowledge-replies/acknowledge-replies.usecase';
import { RateLimits } from './visitor/rate-limits.service';
import { ReadHistoryUseCase } from './visitor/read-history/read-history.usecase';
import { SendMessageUseCase } from './visitor/send-message/send-message.usecase';
import { StartSessionUseCase } from './visitor/start-session/start-session.usecase';
import { VisitorAccess } from './visitor/visitor-access.service';
import { VisitorController } from './visitor/visitor.controller';

/** Public API + live channel for site visitors; serves the embeddable widget script. */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: ConnectorWidgetConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ service: 'connector-widget', config, logger })],
      controllers: [VisitorController, WidgetAssetsController, ReplyConsumer, LiveFanOutConsumer],
      providers: [
        { provide: APP_FILTER, useClass: WidgetExceptionFilter },
        { provide: APP_PIPE, useFactory: whitelistValidationPipe },
        { provide: VisitorTokens, useFactory: () => new VisitorTokens(secretKeyringFromEnv(config).derivationKey, config.WIDGET_VISITOR_TOKEN_TTL_SECONDS) },
        { provide: WidgetChannelDirectory, useClass: WidgetChannelRepository },
        { provide: VisitorConversations, useClass: VisitorConversationRepository },
        WidgetEventPublisher,
        VisitorAccess,
        RateLimits,
        StartSessionUseCase,
        SendMessageUseCase,
        ReadHistoryUseCase,
        AcknowledgeRepliesUseCase,
        ConfirmReplyUseCase,
        ConnectVisitorUseCase,
        FanOutUseCase,
        LiveConnections,
        LiveGateway,
        WidgetScript,
        DemoPage,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WidgetCorsMiddleware, IpRateLimitMiddleware).forRoutes({ path: 'widget/v1/*path', method: RequestMethod.ALL });
  }
}
