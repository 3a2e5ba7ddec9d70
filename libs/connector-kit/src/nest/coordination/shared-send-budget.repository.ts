import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SendRateLimits, SharedChannelBudget } from '../../core/rate-limit/send-rate-limiter';

/**
 * A per-channel send budget shared by every instance of a connector (table `send_rate_limits`), as a GCRA: the row
 * keeps the channel's "theoretical arrival time" `next_at`; each send moves it by 1/rate and may go at
 * `next_at − burst/rate` — the same budget as a token bucket of `burst` tokens refilled at `rate`, but held in one
 * row that ONE upsert … RETURNING per send updates atomically (no lock held across the send). A pause (429 with
 * retry_after for the whole bot) pushes `next_at` so that nobody sends before it ends. Times are the database's wall
 * clock read when the row is written (`clock_timestamp()`), not `now()`: `now()` is when the statement's transaction
 * began, which for a caller that waited on the row lock is earlier than the send it just let through — its reservation
 * would then be timed in the past and wait for a slot that is already free.
 */
@Injectable()
export class SharedSendBudgetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The budget of a connector's channels (rows `<namespace>:<channelId>`) at its per-channel limit. */
  budgetFor(namespace: string, limits: Pick<SendRateLimits, 'channelPerSecond' | 'channelBurst'>): SharedChannelBudget {
    return {
      reserve: (channel) => this.reserve(`${namespace}:${channel}`, limits.channelPerSecond, limits.channelBurst),
      pause: (channel, ms) => this.pause(`${namespace}:${channel}`, ms, limits.channelPerSecond, limits.channelBurst),
    };
  }

  /** Reserves one send; answers the milliseconds to wait before it may go. */
  async reserve(name: string, perSecond: number, burst: number): Promise<number> {
    const [row]: Array<{ wait_ms: number }> = await this.dataSource.query(
      `INSERT INTO send_rate_limits AS s (name, next_at) VALUES ($1, clock_timestamp() + make_interval(secs => 1.0 / $2::float8))
       ON CONFLICT (name) DO UPDATE SET next_at = greatest(s.next_at, clock_timestamp()) + make_interval(secs => 1.0 / $2::float8)
       RETURNING greatest(0, ceil(extract(epoch FROM (s.next_at - clock_timestamp())) * 1000 - $3::float8 * 1000 / $2::float8))::float8 AS wait_ms`,
      [name, perSecond, burst],
    );
    return Number(row.wait_ms);
  }

  /** Nobody sends on `name` for `ms`. */
  async pause(name: string, ms: number, perSecond: number, burst: number): Promise<void> {
    // The next reservation then waits until now + ms (its slot is next_at + 1/rate − burst/rate).
    await this.dataSource.query(
      `INSERT INTO send_rate_limits AS s (name, next_at) VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000 + ($3::float8 - 1) / $4::float8))
       ON CONFLICT (name) DO UPDATE SET next_at = greatest(s.next_at, excluded.next_at)`,
      [name, ms, burst, perSecond],
    );
  }
}
