export interface ReadHistoryCommand {
  publicKey: string;
  origin: string | undefined;
  token: string | undefined;
  limit?: number;
  before?: string;
  after?: string;
}
