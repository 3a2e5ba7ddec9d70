import { Inject, Injectable } from '@nestjs/common';
import { VkApiClient, type VkChannelState, type VkUser } from '@crm/platform-vk';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorVkConfig } from '../config/connector-vk.config';
import { vkMetrics } from '../metrics/vk-metrics';

const MAX_ENTRIES = 50_000;
const TTL_MS = 24 * 60 * 60_000;
/** A user VK did not return (deleted, banned) or a failed call is not asked again for this long. */
const MISS_TTL_MS = 60_000;
/** users.get takes up to 1000 ids; one call per channel at most every 100 ms (VK allows a community 20 calls/s, shared with sends). */
const BATCH_MAX = 1000;
const CALL_INTERVAL_MS = 100;
const LATE = Symbol('late');

interface Batch {
  waiting: Map<number, Array<(name: string | null) => void>>;
  timer?: NodeJS.Timeout;
  nextCallAt: number;
}

/**
 * Senders' names from users.get, cached per channel and user (24 h, at most 50 000, oldest dropped first). Lookups of a
 * channel are gathered into one users.get call (at most 10 calls a second per community, up to 1000 ids each), so a
 * busy community costs VK few calls. The webhook path waits at most VK_NAME_BUDGET_MS: past it the message goes out
 * without the name, and the answer, when it comes, is cached — the sender's next messages carry it.
 */
@Injectable()
export class SenderNamesCache {
  private readonly entries = new Map<string, { name: string | null; expiresAt: number }>();
  private readonly batches = new Map<string, Batch>();
  private readonly budgetMs: number;

  constructor(
    private readonly api: VkApiClient,
    @Inject(SERVICE_CONFIG) config: ConnectorVkConfig,
  ) {
    this.budgetMs = config.VK_NAME_BUDGET_MS;
  }

  /** The user's name, or undefined when VK does not tell it within the budget (or at all). */
  async nameOf(channel: VkChannelState, userId: number): Promise<string | undefined> {
    const key = `${channel.channelId}:${userId}`;
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      vkMetrics.names.inc({ outcome: 'cached' });
      return cached.name ?? undefined;
    }
    const answer = new Promise<string | null>((resolve) => this.enqueue(channel, userId, resolve));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), this.budgetMs)));
    const first = await Promise.race([answer, budget]);
    clearTimeout(timer);
    vkMetrics.names.inc({ outcome: first === LATE ? 'late' : first === null ? 'failed' : 'in-budget' });
    return first === LATE || first === null ? undefined : first;
  }

  private enqueue(channel: VkChannelState, userId: number, resolve: (name: string | null) => void): void {
    let batch = this.batches.get(channel.channelId);
    if (!batch) {
      batch = { waiting: new Map(), nextCallAt: 0 };
      this.batches.set(channel.channelId, batch);
    }
    const waiters = batch.waiting.get(userId) ?? [];
    waiters.push(resolve);
    batch.waiting.set(userId, waiters);
    this.schedule(channel, batch);
  }

  private schedule(channel: VkChannelState, batch: Batch): void {
    if (batch.timer || batch.waiting.size === 0) return;
    batch.timer = setTimeout(() => void this.flush(channel, batch), Math.max(0, batch.nextCallAt - Date.now()));
  }

  private async flush(channel: VkChannelState, batch: Batch): Promise<void> {
    batch.timer = undefined;
    batch.nextCallAt = Date.now() + CALL_INTERVAL_MS;
    const ids = [...batch.waiting.keys()].slice(0, BATCH_MAX);
    const waiters = ids.map((id) => [id, batch.waiting.get(id)!] as const);
    for (const id of ids) batch.waiting.delete(id);
    this.schedule(channel, batch);
    const result = await this.api.getUsers(channel.accessToken, ids);
    const names = new Map<number, string>();
    for (const user of result.ok ? result.value : []) {
      const name = nameOf(user);
      if (name) names.set(user.id, name);
    }
    for (const [id, resolvers] of waiters) {
      const name = names.get(id) ?? null;
      this.remember(`${channel.channelId}:${id}`, name, name === null ? MISS_TTL_MS : TTL_MS);
      for (const r of resolvers) r(name);
    }
  }

  private remember(key: string, name: string | null, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { name, expiresAt: Date.now() + ttlMs });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

function nameOf(user: VkUser): string | undefined {
  const name = [user.first_name, user.last_name].filter((p) => typeof p === 'string' && p.trim()).join(' ').trim();
  return name ? name.slice(0, 1000) : undefined;
}
