import { Injectable } from '@nestjs/common';
import type { ConsumerHealth } from '@crm/messaging';

/** Anything that runs consumers and can say how they are (a ConsumerRunner, the Kafka transport). */
export interface ConsumerHealthSource {
  consumerHealth(): ConsumerHealth[];
}

export interface ConsumerReadiness {
  up: boolean;
  consumers: Array<{ groupId: string; running: boolean; stuck: boolean; paused: Array<{ topic: string; partition: number; pausedForMs: number }> }>;
}

/**
 * Process-wide readiness state beyond the dependencies: the consumers this app runs (each registers itself) and
 * whether shutdown has begun (readiness turns off before the HTTP server closes).
 */
@Injectable()
export class ServiceReadiness {
  private readonly sources = new Set<ConsumerHealthSource>();
  private shuttingDown = false;
  private consumersStarted = false;

  /** Returns the unregister function. */
  registerConsumers(source: ConsumerHealthSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** The app's consumers have joined their groups (until then readiness is red, though HTTP may already answer). */
  markConsumersStarted(): void {
    this.consumersStarted = true;
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Every consumer running, none with a partition paused longer than `stuckAfterMs`. */
  consumers(stuckAfterMs: number): ConsumerReadiness {
    const consumers = [...this.sources].flatMap((s) => s.consumerHealth()).map((h) => ({
      groupId: h.groupId,
      running: h.running,
      stuck: h.paused.some((p) => p.pausedForMs > stuckAfterMs),
      paused: h.paused.map(({ topic, partition, pausedForMs }) => ({ topic, partition, pausedForMs })),
    }));
    return { up: this.consumersStarted && consumers.every((c) => c.running && !c.stuck), consumers };
  }
}
