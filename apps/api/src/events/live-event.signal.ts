import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../config/api.config';
import { LIVE_EVENTS_CHANNEL } from './live-event.store';

/** What the stream feed needs from the signal (a stub in unit tests). */
export interface LiveEventWakeup {
  onSignal(listener: () => void): void;
  ensure(): void;
}

/**
 * LISTEN on the live-events NOTIFY channel over a dedicated connection, so streams learn of an event recorded by any
 * api instance at once (the feed also polls, so a lost connection only costs latency). Reconnects on `ensure()`.
 */
@Injectable()
export class LiveEventSignal implements LiveEventWakeup, OnModuleDestroy {
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;
  private listener: () => void = () => undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onSignal(listener: () => void): void {
    this.listener = listener;
  }

  /** Connects in the background unless connected or connecting. */
  ensure(): void {
    if (this.closed || this.client || this.connecting) return;
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'api-live-events' });
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
      client.on('notification', () => this.listener());
      if (this.closed) throw new Error('closed while connecting');
      this.client = client;
    } catch (err) {
      if (!this.closed) this.logger.warn({ err }, 'live events LISTEN failed; polling only');
      await client.end().catch(() => undefined);
    }
  }
}
