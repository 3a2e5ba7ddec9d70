import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How many known account ids one process remembers before it starts over (each costs one cheap query again). */
const KNOWN_ACCOUNTS_CAP = 50_000;

/**
 * An account exists from its first authenticated request (DESIGN §4): the CRM's own auth issues the tokens, so a valid
 * token of an account this database has never seen creates the `accounts` row at once. Safe under concurrency
 * (INSERT … ON CONFLICT DO NOTHING; concurrent first requests in one process share one query) and remembered per
 * process, so it is not a query on every request.
 */
@Injectable()
export class EnsureAccountUseCase {
  private readonly known = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly dataSource: DataSource) {}

  async execute(accountId: string): Promise<void> {
    if (this.known.has(accountId)) return;
    let pending = this.inFlight.get(accountId);
    if (!pending) {
      pending = this.create(accountId).finally(() => this.inFlight.delete(accountId));
      this.inFlight.set(accountId, pending);
    }
    await pending;
  }

  private async create(accountId: string): Promise<void> {
    // The name belongs to the CRM's own account directory; this row only anchors the tenant's data.
    await this.dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, '') ON CONFLICT (id) DO NOTHING`, [accountId]);
    if (this.known.size >= KNOWN_ACCOUNTS_CAP) this.known.clear();
    this.known.add(accountId);
  }
}
