import { Inject, Injectable } from '@nestjs/common';
import { AvitoApiClient, type AvitoChannelState, type AvitoResult, AvitoTokenProvider } from '@crm/platform-avito';

/** Thrown by `callOrThrow` so the kit's retry (ctx.call) can classify the failure. */
export class AvitoCallError extends Error {
  constructor(readonly result: Extract<AvitoResult<unknown>, { ok: false }>) {
    super(`Avito call failed: ${result.failure.kind}${result.failure.status !== undefined ? ` ${result.failure.status}` : ''} ${result.failure.message}`);
    this.name = 'AvitoCallError';
  }
}

/**
 * Authorized Avito calls of a channel: the shared access token (re-requested before expiry, renewed once on 401) and
 * the messenger user_id (learned on save; asked with accounts/self when the record has none).
 */
@Injectable()
export class AvitoSessions {
  private readonly userIds = new Map<string, number>();

  constructor(
    private readonly api: AvitoApiClient,
    @Inject(AvitoTokenProvider) private readonly tokens: AvitoTokenProvider,
  ) {}

  async call<T>(channel: AvitoChannelState, fn: (token: string, userId: number) => Promise<AvitoResult<T>>): Promise<AvitoResult<T>> {
    const key = { channelId: channel.channelId, accountId: channel.accountId };
    const credentials = { clientId: channel.clientId, clientSecret: channel.clientSecret };
    return this.tokens.withToken(key, credentials, async (token) => {
      const userId = await this.userIdOf(channel, token);
      if (!userId.ok) return userId;
      return fn(token, userId.value);
    });
  }

  /** `call`, throwing AvitoCallError on a failure (for DeliveryContext.call). */
  async callOrThrow<T>(channel: AvitoChannelState, fn: (token: string, userId: number) => Promise<AvitoResult<T>>): Promise<T> {
    const result = await this.call(channel, fn);
    if (!result.ok) throw new AvitoCallError(result);
    return result.value;
  }

  /** Forgets the channel's cached token and user id in this process. */
  forget(channel: AvitoChannelState): void {
    this.tokens.forget(channel.channelId);
    this.userIds.delete(channel.channelId);
  }

  private async userIdOf(channel: AvitoChannelState, token: string): Promise<AvitoResult<number>> {
    if (channel.userId !== undefined) return { ok: true, value: channel.userId };
    const known = this.userIds.get(channel.channelId);
    if (known !== undefined) return { ok: true, value: known };
    const self = await this.api.getSelf(token);
    if (!self.ok) return { ok: false, failure: self.failure };
    this.userIds.set(channel.channelId, self.value.id);
    return { ok: true, value: self.value.id };
  }
}
