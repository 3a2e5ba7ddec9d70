import { Injectable } from '@nestjs/common';

const MAX_EVENTS = 100_000;

/**
 * event_ids of Callback API calls this instance already stored (VK: "if passed twice or more, you should ignore it"),
 * at most 100 000, oldest forgotten first. An id is remembered only after its message is on Kafka, so a call answered
 * 5xx is processed again when VK re-sends it. A duplicate that reaches another instance is harmless too: lead-routing
 * stores a message once per external id. Concurrent calls with one event_id share the first one's outcome.
 */
@Injectable()
export class RecentEvents {
  private readonly done = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();

  /** Runs `store` unless the event was stored already; true when it ran now (false: a duplicate). */
  async once(key: string, store: () => Promise<void>): Promise<boolean> {
    if (this.done.has(key)) return false;
    const running = this.running.get(key);
    if (running) {
      await running;
      return false;
    }
    const run = store().then(() => this.remember(key));
    this.running.set(key, run);
    try {
      await run;
      return true;
    } finally {
      this.running.delete(key);
    }
  }

  private remember(key: string): void {
    this.done.add(key);
    if (this.done.size > MAX_EVENTS) this.done.delete(this.done.values().next().value!);
  }
}
