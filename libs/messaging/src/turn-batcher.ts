/**
 * Gathers what is submitted during one turn of the event loop (until `setImmediate` runs), up to `maxWeight` in all,
 * and hands it to `flush` in one call; every submitter gets that call's outcome.
 *
 * The consumer runner uses it for what kafkajs starts at the same moment: the partitions of one fetch are handed to
 * eachBatch concurrently and synchronously, so their runs (and then their offset commits) meet in the same turn and
 * become one handler call (one transaction) and one commit request instead of one per partition.
 */
export class TurnBatcher<I> {
  private pending: Array<{ item: I; resolve: () => void; reject: (err: unknown) => void }> = [];
  private weight = 0;
  private scheduled?: NodeJS.Immediate;

  constructor(
    private readonly flush: (items: I[]) => Promise<void>,
    private readonly options: { weigh?: (item: I) => number; maxWeight?: number } = {},
  ) {}

  submit(item: I): Promise<void> {
    const weight = this.options.weigh?.(item) ?? 1;
    const max = this.options.maxWeight ?? Infinity;
    // Never past maxWeight in one call: what is waiting goes first (an item heavier than maxWeight goes alone).
    if (this.pending.length > 0 && this.weight + weight > max) this.run();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.weight += weight;
      if (this.weight >= max) this.run();
      else this.scheduled ??= setImmediate(() => this.run());
    });
  }

  private run(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const group = this.pending;
    this.pending = [];
    this.weight = 0;
    if (group.length === 0) return;
    Promise.resolve()
      .then(() => this.flush(group.map((g) => g.item)))
      .then(
        () => group.forEach((g) => g.resolve()),
        (err: unknown) => group.forEach((g) => g.reject(err)),
      );
  }
}
