import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { SERVICE_CONFIG } from '@crm/service-kit';
import { RateLimiter } from '@crm/widget-visitor';
import { ConnectorWidgetConfig } from '../config/connector-widget.config';

/** The visitor API's limits (DESIGN §8): every request per client IP, messages per visitor. 429 with Retry-After. */
@Injectable()
export class RateLimits {
  private readonly perIp: RateLimiter;
  private readonly perVisitor: RateLimiter;

  constructor(@Inject(SERVICE_CONFIG) config: ConnectorWidgetConfig) {
    this.perIp = new RateLimiter({ perMinute: config.WIDGET_IP_REQUESTS_PER_MINUTE });
    this.perVisitor = new RateLimiter({ perMinute: config.WIDGET_VISITOR_MESSAGES_PER_MINUTE });
  }

  /** One request of the visitor API from `ip`. */
  request(ip: string): void {
    const decision = this.perIp.take(ip);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
  }

  /** One message of visitor `visitorId` of channel `channelId`. */
  message(channelId: string, visitorId: string): void {
    const decision = this.perVisitor.take(`${channelId}:${visitorId}`);
    if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
  }
}

function rateLimited(retryAfterSeconds: number): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, {}, { retryAfterSeconds });
}
