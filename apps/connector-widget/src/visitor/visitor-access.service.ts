import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { isOriginAllowed, VisitorClaims, VisitorTokens } from '@crm/widget-visitor';
import { WidgetChannel, WidgetChannelDirectory } from '../channels/widget-channel.port';

/**
 * The checks in front of every visitor request: the channel of the public key exists and is active, the page's origin
 * is one the channel allows, and the visitor token was issued by us for this very channel.
 */
@Injectable()
export class VisitorAccess {
  constructor(
    private readonly channels: WidgetChannelDirectory,
    private readonly tokens: VisitorTokens,
  ) {}

  /**
   * The channel, when `origin` may use it. Browsers send Origin on every cross-origin request and on every POST, so
   * starting a session requires it; on later calls (a same-origin GET carries none) the token already proves the
   * session began on an allowed page, and a present Origin must still be allowed.
   */
  async channel(publicKey: string, origin: string | undefined, options: { originRequired: boolean }): Promise<WidgetChannel> {
    const channel = await this.channels.findActiveByPublicKey(publicKey);
    if (!channel) throw new DomainError(ErrorCode.CHANNEL_NOT_FOUND);
    if (origin === undefined && !options.originRequired) return channel;
    if (!isOriginAllowed(origin, channel.settings.allowedOrigins)) {
      throw new DomainError(ErrorCode.WIDGET_ORIGIN_NOT_ALLOWED, { origin: origin ?? '—' });
    }
    return channel;
  }

  /** The visitor of a token issued for `channel`; WIDGET_SESSION_INVALID for a missing, bad, expired or foreign one. */
  visitor(channel: WidgetChannel, token: string | undefined): VisitorClaims {
    const claims = this.tokens.verify(token);
    if (!claims || claims.channelId !== channel.id || claims.accountId !== channel.accountId) {
      throw new DomainError(ErrorCode.WIDGET_SESSION_INVALID);
    }
    return claims;
  }
}
