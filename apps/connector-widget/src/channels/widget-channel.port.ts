import type { WidgetSettings } from '@crm/widget-visitor';

/** A widget channel as the visitor side sees it (looked up by the public key of its embed snippet). */
export interface WidgetChannel {
  id: string;
  accountId: string;
  name: string;
  publicKey: string;
  settings: WidgetSettings;
}

/** Port: where widget channels are found. */
export abstract class WidgetChannelDirectory {
  /** The active, not deleted widget channel with this public key; null when there is none. */
  abstract findActiveByPublicKey(publicKey: string): Promise<WidgetChannel | null>;
  /** The active, not deleted widget channel `channelId` of `accountId`; null otherwise. */
  abstract findActiveById(accountId: string, channelId: string): Promise<WidgetChannel | null>;
}
