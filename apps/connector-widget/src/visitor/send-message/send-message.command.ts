export interface SendMessageCommand {
  publicKey: string;
  origin: string | undefined;
  token: string | undefined;
  clientMessageId: string;
  text: string;
  page?: { url?: string; title?: string };
  /** ru | en, from the request. */
  locale: string;
  correlationId?: string;
}
