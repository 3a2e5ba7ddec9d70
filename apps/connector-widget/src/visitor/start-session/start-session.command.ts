import type { VisitorProfile } from '@crm/widget-visitor';

export interface StartSessionCommand {
  publicKey: string;
  /** The page's Origin header. */
  origin: string | undefined;
  /** A token kept from an earlier visit: resume that visitor. */
  token?: string;
  /** Pre-chat form values to remember (merged over the token's). */
  profile?: VisitorProfile;
}
