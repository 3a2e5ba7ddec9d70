export interface AdmitConnectionCommand {
  publicKey: string;
  origin: string | undefined;
}

export interface AuthenticateConnectionCommand {
  publicKey: string;
  origin: string | undefined;
  token: string | undefined;
  /** Cursor of the last message the page has: what came after it is sent at once (catch-up after a gap). */
  after?: string;
}
