// The platforms and the CRM of a chaos run, as fakes that speak their documented contracts (libs/testing/src/fakes),
// one channel per webhook type created through the real API (credentials checked against the fakes, linked to a
// Bitrix24 integration), and for each channel the webhook call a platform makes for message `seq` of chat `chat` —
// the same bytes on every re-delivery, as the platforms re-send.
import { createHash, createHmac } from 'node:crypto';
import { FakeAvitoServer, FakeBitrix24Server, FakeGraphServer, FakeTelegramServer, FakeVkServer } from '@crm/testing';
import type { NamedSecret } from './secret-scan';

/** The channel types a platform reaches by webhook. */
export const CHAOS_WEBHOOK_TYPES = ['telegram', 'whatsapp', 'vk', 'avito'] as const;
/** Every channel type of a chaos run: the webhook types and the website widget (visitors call its public API). */
export const CHAOS_CHANNEL_TYPES = [...CHAOS_WEBHOOK_TYPES, 'widget'] as const;
export type ChaosChannelType = (typeof CHAOS_CHANNEL_TYPES)[number];

export interface WebhookCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ChaosChannel {
  type: ChaosChannelType;
  channelId: string;
  /**
   * The call carrying `text` as message `seq` of chat `chat` (memoized: re-deliveries are identical). A widget chat
   * first starts its visitor session, re-tried like a delivery, so this may take as long as an outage.
   */
  call(chat: string, seq: number, text: string): Promise<WebhookCall>;
  /** Every credential of the channel: what the admin gave us and what we generated for them (the secret scan's list). */
  secrets: NamedSecret[];
  /** The texts of the agent replies the customer of `chat` received, in the order the platform got them. */
  delivered(chat: string): Promise<string[]>;
}

export interface ChaosFakes {
  telegram: FakeTelegramServer;
  graph: FakeGraphServer;
  vk: FakeVkServer;
  avito: FakeAvitoServer;
  bitrix24: FakeBitrix24Server;
  /** Env that points the services at the fakes. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startChaosFakes(): Promise<ChaosFakes> {
  const [telegram, graph, vk, avito, bitrix24] = await Promise.all([FakeTelegramServer.start(), FakeGraphServer.start(), FakeVkServer.start(), FakeAvitoServer.start(), FakeBitrix24Server.start()]);
  return {
    telegram,
    graph,
    vk,
    avito,
    bitrix24,
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, WHATSAPP_GRAPH_URL: graph.baseUrl, VK_API_URL: vk.apiUrl, AVITO_API_URL: avito.baseUrl },
    async close() {
      await Promise.all([telegram.close(), graph.close(), vk.close(), avito.close(), bitrix24.close()]);
    },
  };
}

/** Calls the api as an admin of the run's account. */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

interface CreatedChannel {
  id: string;
  connection: Record<string, unknown>;
}

/** One channel of `type` through `POST /channels`, linked to the integration, with a client and a lead per conversation. */
export async function createChaosChannel(type: ChaosChannelType, fakes: ChaosFakes, api: ApiCall, integrationId: string): Promise<ChaosChannel> {
  const create = async (settings: Record<string, unknown>): Promise<CreatedChannel> => {
    const res = await api('POST', '/api/v1/channels', {
      name: `chaos ${type}`,
      type,
      integrationId,
      routing: { createClientOnFirstMessage: true, createLeadOnFirstMessage: true, autoMatchClient: false, findExistingLead: false },
      settings,
    });
    if (res.status !== 201) throw new Error(`${type} channel not created: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: String(res.body.id), connection: res.body.connection as Record<string, unknown> };
  };
  return CHANNEL_BUILDERS[type](fakes, create);
}

type ChannelBuilder = (fakes: ChaosFakes, create: (settings: Record<string, unknown>) => Promise<CreatedChannel>) => Promise<ChaosChannel>;

/** `build(...args)` once per key of the args, shared by concurrent callers; a failed build is forgotten (tried again). */
function promiseCache<A extends unknown[], V>(keyOf: (...args: A) => string, build: (...args: A) => V | Promise<V>): (...args: A) => Promise<V> {
  const values = new Map<string, Promise<V>>();
  return (...args) => {
    const key = keyOf(...args);
    let value = values.get(key);
    if (!value) {
      value = Promise.resolve().then(() => build(...args));
      values.set(key, value);
      value.catch(() => values.delete(key));
    }
    return value;
  };
}

/** A channel's call per (chat, seq): re-deliveries are the very same bytes. */
function memoized(build: (chat: string, seq: number, text: string) => WebhookCall | Promise<WebhookCall>): ChaosChannel['call'] {
  return promiseCache((chat: string, seq: number, _text: string) => `${chat}\u0000${seq}`, build);
}

/** A numeric id per chat name (Telegram chat ids, VK user ids). */
function numericIds(base: number): (chat: string) => number {
  const ids = new Map<string, number>();
  return (chat) => {
    let id = ids.get(chat);
    if (id === undefined) {
      id = base + ids.size;
      ids.set(chat, id);
    }
    return id;
  };
}

const CHANNEL_BUILDERS: Record<ChaosChannelType, ChannelBuilder> = {
  async telegram({ telegram }, create) {
    const bot = telegram.addBot({ firstName: 'Chaos' });
    const channel = await create({ botToken: bot.token });
    const webhook = await waitForValue(() => telegram.webhookOf(bot.token), 60_000, 'the Telegram webhook of the chaos bot');
    const chatIds = numericIds(500_000_000);
    let updateId = 1;
    return {
      type: 'telegram',
      channelId: channel.id,
      secrets: [
        { name: 'telegram botToken', value: bot.token },
        ...(webhook.secretToken ? [{ name: 'telegram webhook secret_token', value: webhook.secretToken }] : []),
      ],
      delivered: async (chat) =>
        telegram
          .sentMessages(bot.token)
          .filter((m) => (m.chat as { id: unknown }).id === chatIds(chat))
          .map((m) => String(m.text)),
      call: memoized((chat, seq, text) => {
        const chatId = chatIds(chat);
        const update = { ...FakeTelegramServer.textUpdate({ chatId, text, messageId: seq + 1, from: { id: chatId, is_bot: false, first_name: `Chaos ${chat}` } }), update_id: updateId++ };
        return { url: webhook.url, headers: { 'content-type': 'application/json', ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}) }, body: JSON.stringify(update) };
      }),
    };
  },
  async whatsapp({ graph }, create) {
    const number = graph.addNumber({ verifiedName: 'Chaos' });
    const channel = await create({ phoneNumberId: number.phoneNumberId, accessToken: number.accessToken, appSecret: number.appSecret });
    const url = String(channel.connection.callbackUrl);
    const senders = numericIds(79_100_000_000);
    return {
      type: 'whatsapp',
      channelId: channel.id,
      secrets: [
        { name: 'whatsapp accessToken', value: number.accessToken },
        { name: 'whatsapp appSecret', value: number.appSecret },
        { name: 'whatsapp verifyToken', value: String(channel.connection.verifyToken) },
      ],
      delivered: async (chat) =>
        graph
          .sent(number.phoneNumberId)
          .filter((s) => s.to.replace(/^\+/, '') === String(senders(chat)))
          .map((s) => String((s.body.text as { body?: unknown } | undefined)?.body)),
      call: memoized((chat, seq, text) => {
        const waId = String(senders(chat));
        // The customer writing opens WhatsApp's 24-hour window for the agent's free-text replies.
        graph.customerWrote(number.phoneNumberId, waId);
        const body = JSON.stringify(
          FakeGraphServer.webhook(number, {
            contacts: [{ profile: { name: `Chaos ${chat}` }, wa_id: waId }],
            messages: [{ from: waId, id: `wamid.chaos.${chat}.${seq}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
          }),
        );
        const signature = `sha256=${createHmac('sha256', number.appSecret).update(body).digest('hex')}`;
        return { url, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body };
      }),
    };
  },
  async vk({ vk }, create) {
    const community = vk.addCommunity({ name: 'Chaos' });
    const channel = await create({ groupId: community.groupId, accessToken: community.token });
    const url = String(channel.connection.callbackUrl);
    const secret = String(channel.connection.secretKey);
    const users = new Map<string, number>();
    const userOf = (chat: string) => {
      let id = users.get(chat);
      if (id === undefined) {
        id = vk.addUser({ firstName: 'Chaos', lastName: chat }).id;
        users.set(chat, id);
      }
      return id;
    };
    return {
      type: 'vk',
      channelId: channel.id,
      secrets: [
        { name: 'vk accessToken', value: community.token },
        { name: 'vk callback secretKey', value: secret },
      ],
      delivered: async (chat) => vk.sent.filter((s) => s.groupId === community.groupId && s.peerId === userOf(chat)).map((s) => s.message ?? ''),
      call: memoized((chat, _seq, text) => ({ url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(vk.messageNew(community, secret, { from_id: userOf(chat), text })) })),
    };
  },
  async avito({ avito }, create) {
    const account = avito.addAccount({ name: 'Chaos' });
    const channel = await create({ clientId: account.clientId, clientSecret: account.clientSecret });
    const url = String(channel.connection.webhookUrl);
    const chats = new Set<string>();
    return {
      type: 'avito',
      channelId: channel.id,
      secrets: [
        { name: 'avito clientSecret', value: account.clientSecret },
        { name: 'avito hook secret', value: decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') },
      ],
      delivered: async (chat) => avito.sent.filter((s) => s.userId === account.userId && s.chatId === `u2u-chaos-${chat}`).map((s) => s.text),
      call: memoized((chat, seq, text) => {
        const chatId = `u2u-chaos-${chat}`;
        if (!chats.has(chatId)) {
          avito.addChat(account, { chatId, client: { id: 71_000_000 + chats.size, name: `Chaos ${chat}` } });
          chats.add(chatId);
        }
        const body = avito.webhookOf(account, { chatId, type: 'text', id: `chaos-${chat}-${seq}`, content: { text } });
        return { url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      }),
    };
  },
  async widget(_fakes, create) {
    const origin = 'https://shop.chaos.example';
    const channel = await create({ allowedOrigins: [origin], title: 'Chaos shop' });
    const base = new URL(String(channel.connection.scriptUrl)).origin;
    const key = String(channel.connection.publicKey);
    const tokenOf = promiseCache((chat: string) => chat, (chat: string) => startWidgetSession(`${base}/widget/v1/${key}/session`, origin, `Chaos ${chat}`));
    return {
      type: 'widget',
      channelId: channel.id,
      // The public key is public by design (it is in every page's snippet); visitor tokens are per-visitor bearer tokens.
      secrets: [],
      // What the visitor's page shows: the agent's messages of its history (paged back to the first).
      delivered: async (chat) => (await widgetHistory(`${base}/widget/v1/${key}/messages`, origin, await tokenOf(chat))).filter((m) => m.author === 'agent').map((m) => String(m.text)),
      call: memoized(async (chat, seq, text) => ({
        url: `${base}/widget/v1/${key}/messages`,
        headers: { 'content-type': 'application/json', origin, authorization: `Bearer ${await tokenOf(chat)}` },
        body: JSON.stringify({ clientMessageId: uuidOf(`${channel.id}/${chat}/${seq}`), text }),
      })),
    };
  },
};

/** A visitor session of the widget (the script's first call), started again after refusals as the script does. */
async function startWidgetSession(url: string, origin: string, name: string): Promise<string> {
  const deadline = Date.now() + 300_000;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ profile: { name } }), signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    if (res?.ok) return String(((await res.json()) as { token: string }).token);
    if (Date.now() > deadline) throw new Error(`widget session not started in 300 s (last: ${res?.status ?? 'no answer'})`);
    await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
  }
}

/** A visitor's whole history, oldest first (pages of 100, back through `before`). */
async function widgetHistory(url: string, origin: string, token: string): Promise<Array<{ author: string; text: string | null }>> {
  const items: Array<{ author: string; text: string | null; cursor: string | null }> = [];
  for (let before: string | null | undefined; ; ) {
    const res = await fetch(`${url}?limit=100${before ? `&before=${encodeURIComponent(before)}` : ''}`, { headers: { origin, authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`widget history: ${res.status}`);
    const page = (await res.json()) as { items: Array<{ author: string; text: string | null; cursor: string | null }>; hasMore: boolean };
    items.unshift(...page.items);
    before = page.items[0]?.cursor;
    if (!page.hasMore || !before) return items;
  }
}

/** A stable UUID per name (the widget script's clientMessageId, an agent's Idempotency-Key: the same on every re-send). */
export function uuidOf(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function waitForValue<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
