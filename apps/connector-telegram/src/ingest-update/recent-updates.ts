/**
 * A bounded memory of update ids this instance already stored (or skipped), and of those in flight: Telegram re-sends
 * an update whose answer was slow, and a duplicate then costs neither a Kafka write nor a second normalization.
 * Correctness does not depend on it (externalMessageId is stable and lead-routing dedupes); it only saves work.
 */
export class RecentUpdates<T> {
  private readonly done = new Map<string, true>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly capacity = 50_000) {}

  has(key: string): boolean {
    return this.done.has(key);
  }

  pending(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  /** Runs `work` once per key at a time; remembers the key when it succeeded. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const promise = work().then(
      (result) => {
        this.inFlight.delete(key);
        this.remember(key);
        return result;
      },
      (err: unknown) => {
        this.inFlight.delete(key);
        throw err;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  private remember(key: string): void {
    this.done.set(key, true);
    if (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value as string);
  }
}
