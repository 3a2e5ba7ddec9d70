// The outbound half of a chaos scenario: in every chat the load opens, an agent answers again and again through the
// api (POST /dialogs/:id/messages with an Idempotency-Key, repeated with the same key until it gets a 201, as a
// frontend does after a timeout or a refused connection); afterwards every reply the api accepted must have reached the
// customer on the platform exactly once, in order, with a final status that says so — or, when a connector died in
// the middle of the platform call, failed SEND_OUTCOME_UNKNOWN (never sent twice to find out).
import type { Pool } from 'pg';
import { PerChatLoops } from './chaos-load';
import { type ChaosChannel, type ChaosChannelType, uuidOf } from './chaos-platforms';

export interface AckedReply {
  type: ChaosChannelType;
  channelId: string;
  chat: string;
  seq: number;
  text: string;
  messageId: string;
}

export interface ReplyFigures {
  /** Replies the api answered 201. */
  repliesAcked: number;
  /** …that reached the customer once and are `sent` (or further). */
  repliesDelivered: number;
  /** …that ended failed SEND_OUTCOME_UNKNOWN: the connector died during the platform call (reached them at most once). */
  repliesInDoubt: number;
  /** …that reached the customer more than once. */
  repliesDeliveredTwice: number;
  /** …that never reached the customer although their status says so, failed otherwise, or are still queued. */
  repliesLost: number;
  /** Pairs of a chat's replies the customer got in the opposite order. */
  repliesOutOfOrder: number;
  replyExamples: string[];
}

export const NO_REPLIES: ReplyFigures = { repliesAcked: 0, repliesDelivered: 0, repliesInDoubt: 0, repliesDeliveredTwice: 0, repliesLost: 0, repliesOutOfOrder: 0, replyExamples: [] };

export interface ReplyOptions {
  scenario: string;
  chatsPerChannel: number;
  /** Pause between an agent's accepted reply and the next one in the chat. */
  intervalMs: number;
  publicUrl: string;
  /** An agent's (or admin's) bearer token of the run's account. */
  token: string;
  db: Pool;
  accountId: string;
  attemptTimeoutMs?: number;
  giveUpAfterMs?: number;
}

const BACKOFF_MS = [100, 250, 500, 1_000, 2_000];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reply text of `seq` in `chat`: `chaos-reply <scenario>-<i> <type> #<seq>`. */
const replyText = (chat: string, type: string, seq: number) => `chaos-reply ${chat} ${type} #${seq}`;
const seqOf = (text: string) => Number(text.slice(text.lastIndexOf('#') + 1));

export class ChaosReplies extends PerChatLoops {
  readonly acked: AckedReply[] = [];
  /** The api's answers other than 201, by status (or `timeout` / `connection-error`). */
  readonly refusals = new Map<string, number>();

  constructor(
    channels: ChaosChannel[],
    private readonly options: ReplyOptions,
  ) {
    super(channels, options);
  }

  protected async chatLoop(channel: ChaosChannel, chat: string): Promise<void> {
    // The chat's dialog, once lead-routing has stored the load's first message of it.
    const dialogId = await this.dialogOf(`chaos ${chat} ${channel.type} #0`);
    for (let seq = 0; this.running && dialogId; seq++) {
      const text = replyText(chat, channel.type, seq);
      const messageId = await this.replyUntilCreated(dialogId, text, uuidOf(`${channel.channelId}/${chat}/reply/${seq}`));
      this.acked.push({ type: channel.type, channelId: channel.channelId, chat, seq, text, messageId });
      await sleep(this.options.intervalMs);
    }
  }

  /** Polls (through Postgres outages) until the inbound message is stored; undefined when the scenario ends first. */
  private async dialogOf(firstText: string): Promise<string | undefined> {
    while (this.running) {
      const rows = await this.options.db
        .query<{ dialog_id: string }>(`SELECT dialog_id FROM messages WHERE account_id = $1 AND direction = 'in' AND text = $2 LIMIT 1`, [this.options.accountId, firstText])
        .then((r) => r.rows, () => []);
      if (rows[0]) return rows[0].dialog_id;
      await sleep(200);
    }
    return undefined;
  }

  /** POSTs the reply until the api answers 201 (the same Idempotency-Key every time); its message id. */
  private async replyUntilCreated(dialogId: string, text: string, key: string): Promise<string> {
    const started = Date.now();
    const giveUpAfterMs = this.options.giveUpAfterMs ?? 300_000;
    for (let attempt = 1; ; attempt++) {
      const outcome = await fetch(`${this.options.publicUrl}/api/v1/dialogs/${dialogId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000),
      }).then(
        async (res) => ({ status: res.status, body: (await res.json().catch(() => ({}))) as { id?: string; code?: string } }),
        (err: Error) => ({ status: err.name === 'TimeoutError' ? 'timeout' : 'connection-error', body: {} as { id?: string; code?: string } }),
      );
      if (outcome.status === 201 && outcome.body.id) return outcome.body.id;
      const label = `reply ${outcome.status}`;
      this.refusals.set(label, (this.refusals.get(label) ?? 0) + 1);
      // Only an outage is worth repeating: any other refusal (404, 422 IDEMPOTENCY_KEY_REUSED…) is a bug to report.
      if (typeof outcome.status === 'number' && outcome.status < 500 && outcome.status !== 429) {
        throw new Error(`reply "${text}" refused: ${outcome.status} ${outcome.body.code ?? ''}`);
      }
      if (Date.now() - started > giveUpAfterMs) throw new Error(`reply "${text}": no 201 after ${attempt} attempts in ${Date.now() - started} ms (last: ${outcome.status})`);
      await sleep(BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]);
    }
  }
}

interface ReplyState {
  status: string;
  error_code: string | null;
}

/**
 * Waits until every accepted reply has left `queued` (or `timeoutMs` passes), then compares each with what the
 * customer of its chat received on the platform.
 */
export async function checkReplies(db: Pool, channels: ChaosChannel[], input: { accountId: string; acked: AckedReply[]; timeoutMs: number }): Promise<ReplyFigures> {
  const states = await waitSettled(db, input.accountId, input.acked.map((r) => r.messageId), Date.now() + input.timeoutMs);
  const examples: string[] = [];
  const note = (line: string) => examples.length < 8 && examples.push(line);
  const figures = { ...NO_REPLIES, repliesAcked: input.acked.length, replyExamples: examples };
  const byChat = new Map<string, AckedReply[]>();
  for (const r of input.acked) byChat.set(`${r.channelId}/${r.chat}`, [...(byChat.get(`${r.channelId}/${r.chat}`) ?? []), r]);
  for (const replies of byChat.values()) {
    const channel = channels.find((c) => c.channelId === replies[0].channelId)!;
    const prefix = `chaos-reply ${replies[0].chat} `;
    const delivered = (await channel.delivered(replies[0].chat)).filter((t) => t.startsWith(prefix));
    const times = new Map<string, number>();
    for (const t of delivered) times.set(t, (times.get(t) ?? 0) + 1);
    for (const reply of replies) {
      const state = states.get(reply.messageId);
      const got = times.get(reply.text) ?? 0;
      if (got > 1) {
        figures.repliesDeliveredTwice++;
        note(`delivered ${got}×: ${reply.text}`);
      } else if (state?.status === 'failed' && state.error_code === 'SEND_OUTCOME_UNKNOWN') figures.repliesInDoubt++;
      else if (got === 1 && ['sent', 'delivered', 'read'].includes(state?.status ?? '')) figures.repliesDelivered++;
      else {
        figures.repliesLost++;
        note(`reply ${reply.text}: delivered ${got}×, status ${state?.status ?? 'none'}${state?.error_code ? ` ${state.error_code}` : ''}`);
      }
    }
    const seqs = delivered.map(seqOf);
    for (let i = 1; i < seqs.length; i++) {
      if (seqs[i] < seqs[i - 1]) {
        figures.repliesOutOfOrder++;
        note(`out of order: ${prefix}#${seqs[i - 1]} reached the customer before #${seqs[i]}`);
      }
    }
  }
  return figures;
}

async function waitSettled(db: Pool, accountId: string, ids: string[], deadline: number): Promise<Map<string, ReplyState>> {
  const read = async () => {
    const { rows } = await db.query<ReplyState & { id: string }>(`SELECT id, status, error_code FROM messages WHERE account_id = $1 AND id = ANY($2::uuid[])`, [accountId, ids]);
    return new Map(rows.map((r) => [r.id, { status: r.status, error_code: r.error_code }]));
  };
  let states = await read();
  while (Date.now() < deadline && ids.some((id) => (states.get(id)?.status ?? 'queued') === 'queued')) {
    await sleep(500);
    states = await read();
  }
  return states;
}
