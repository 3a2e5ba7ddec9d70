import { Inject, Injectable } from '@nestjs/common';
import { AvitoApiClient, type AvitoChannelState, type AvitoChatFacts, chatFactsOf } from '@crm/platform-avito';
import { SERVICE_CONFIG } from '@crm/service-kit';
import { AvitoSessions } from '../auth/avito-sessions.service';
import type { ConnectorAvitoConfig } from '../config/connector-avito.config';
import { avitoMetrics } from '../metrics/avito-metrics';

/** The facts of a chat now, or a promise of them when chat info did not answer within the budget. */
export type ChatFactsLookup =
  | { state: 'ready'; facts: AvitoChatFacts }
  | { state: 'late'; later: Promise<AvitoChatFacts | undefined> }
  | { state: 'unavailable' };

const MAX_ENTRIES = 20_000;
const TTL_MS = 60 * 60_000;
/** A late chat-info answer is still waited for this long (it enriches the dialog and lead afterwards). */
const LATE_TIMEOUT_MS = 10_000;

/**
 * The listing and client name of each chat (chat info), cached per chat for an hour (at most 20 000 chats, oldest
 * dropped first). The webhook path waits at most the budget (AVITO_CHAT_INFO_BUDGET_MS); a slower answer is kept
 * for the caller as `late`. Concurrent lookups of one chat share one call.
 */
@Injectable()
export class ChatFactsCache {
  private readonly entries = new Map<string, { facts: AvitoChatFacts; at: number }>();
  private readonly inflight = new Map<string, Promise<AvitoChatFacts | undefined>>();
  private readonly budgetMs: number;

  constructor(
    private readonly api: AvitoApiClient,
    private readonly sessions: AvitoSessions,
    @Inject(SERVICE_CONFIG) config: ConnectorAvitoConfig,
  ) {
    this.budgetMs = config.AVITO_CHAT_INFO_BUDGET_MS;
  }

  async lookup(channel: AvitoChannelState, chatId: string): Promise<ChatFactsLookup> {
    const key = `${channel.channelId}\n${chatId}`;
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < TTL_MS) {
      avitoMetrics.chatInfo.inc({ outcome: 'cached' });
      return { state: 'ready', facts: cached.facts };
    }
    const pending = this.inflight.get(key) ?? this.fetch(channel, chatId, key);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.budgetMs)));
    const first = await Promise.race([pending, budget]);
    clearTimeout(timer);
    if (first === 'late') {
      avitoMetrics.chatInfo.inc({ outcome: 'late' });
      return { state: 'late', later: pending };
    }
    avitoMetrics.chatInfo.inc({ outcome: first ? 'in-budget' : 'failed' });
    return first ? { state: 'ready', facts: first } : { state: 'unavailable' };
  }

  /** Forgets the chats of a channel (credentials or account changed). */
  forgetChannel(channelId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${channelId}\n`)) this.entries.delete(key);
  }

  private fetch(channel: AvitoChannelState, chatId: string, key: string): Promise<AvitoChatFacts | undefined> {
    const call = this.sessions
      .call(channel, async (token, userId) => {
        const info = await this.api.getChat(token, userId, chatId, { timeoutMs: LATE_TIMEOUT_MS });
        return info.ok ? { ok: true as const, value: chatFactsOf(info.value, userId) } : info;
      })
      .then((result) => {
        if (!result.ok) return undefined;
        this.remember(key, result.value);
        return result.value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, call);
    return call;
  }

  private remember(key: string, facts: AvitoChatFacts): void {
    this.entries.delete(key);
    this.entries.set(key, { facts, at: Date.now() });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}
