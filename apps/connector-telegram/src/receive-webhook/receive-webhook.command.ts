/** A webhook call as Telegram made it: which channel's URL, the secret header it carried, the JSON body. */
export interface ReceiveWebhookCommand {
  channelId: string;
  secretToken: string | string[] | undefined;
  body: unknown;
  correlationId?: string;
}

/** The answer for Telegram: 200 once stored; 4xx/5xx otherwise (5xx makes Telegram re-deliver). */
export type WebhookAnswer =
  | { status: 200; outcome: 'accepted' | 'duplicate' | 'skipped' }
  | { status: 400 | 401 | 404 | 503; code: string; message: string };
