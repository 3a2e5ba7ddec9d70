import { Injectable } from '@nestjs/common';

/** "New records are due": lets ingestion wake this instance's worker at once instead of at its next poll. */
@Injectable()
export class SyncWorkerSignal {
  private listener?: () => void;

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }
}
