import type { HttpAdapterHost } from '@nestjs/core';
import { createEnvelope, type KnownEnvelope } from '@crm/contracts';
import { formatSse, parseEventId, toLiveEvent, type LiveEvent } from './live-event';
import { LiveEventHub, type LiveStream } from './live-event.hub';
import type { LiveEventSource } from './live-event.store';

const A = '0b7c6a52-6f5e-4f3e-9d1a-2b8c4e6f7a10';
const B = '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f';
const CHANNEL = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const DIALOG = '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e';

function stream(): LiveStream & { chunks: string[]; ended: boolean; ids: () => string[] } {
  const s = {
    chunks: [] as string[],
    ended: false,
    write: (c: string) => void s.chunks.push(c),
    end: () => void (s.ended = true),
    ids: () => s.chunks.flatMap((c) => /^id: (\d+)/.exec(c)?.[1] ?? []),
  };
  return s;
}

/** The sequence in memory (the real one is live_events); `hold()` makes the next feed read wait until released. */
class FakeSequence implements LiveEventSource {
  readonly rows: LiveEvent[] = [];
  private gate?: { opened: Promise<void>; reading: () => void };

  add(accountId: string, n = 1): void {
    for (let i = 0; i < n; i++) this.rows.push({ id: String(this.rows.length + 1), type: 'message.received', accountId, data: { n: this.rows.length + 1 } });
  }

  hold(): { release: () => void; reading: Promise<void> } {
    let release!: () => void;
    let reading!: () => void;
    const started = new Promise<void>((r) => (reading = r));
    this.gate = { opened: new Promise<void>((r) => (release = r)), reading };
    return { release, reading: started };
  }

  async latest(): Promise<bigint> {
    return BigInt(this.rows.length);
  }

  async read(accountIds: string[], after: bigint, upTo: bigint | null, limit: number): Promise<LiveEvent[]> {
    const snapshot = this.rows.filter((r) => accountIds.includes(r.accountId) && BigInt(r.id) > after && (upTo === null || BigInt(r.id) <= upTo)).slice(0, limit);
    const gate = upTo === null ? this.gate : undefined;
    if (gate) {
      this.gate = undefined;
      gate.reading();
      await gate.opened;
    }
    return snapshot;
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('live events', () => {
  let listening = true;
  const host = { httpAdapter: { getHttpServer: () => ({ listening }) } } as unknown as HttpAdapterHost;
  const wakeup = { onSignal: () => undefined, ensure: () => undefined };
  const hubs: LiveEventHub[] = [];
  const hubOn = (source: LiveEventSource) => {
    const hub = new LiveEventHub(host, source, wakeup, { LIVE_EVENTS_POLL_MS: 1000 }, { warn: () => undefined } as never);
    hubs.push(hub);
    return hub;
  };

  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.onModuleDestroy();
    listening = true;
    jest.useRealTimers();
  });

  it('maps CRM events under their kind and channel health as channel.status; ignores raw delivery reports', () => {
    const crm = createEnvelope('crm.event', { kind: 'message.received', dialogId: DIALOG, messageId: DIALOG }, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(crm as KnownEnvelope)).toEqual({
      sourceId: crm.id,
      type: 'message.received',
      accountId: A,
      data: { channelId: CHANNEL, occurredAt: crm.occurredAt, kind: 'message.received', dialogId: DIALOG, messageId: DIALOG },
    });
    const health = createEnvelope('channel.health', { channelId: CHANNEL, status: 'degraded' } as never, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(health as KnownEnvelope)).toMatchObject({ sourceId: health.id, type: 'channel.status', accountId: A, data: { channelId: CHANNEL, status: 'degraded' } });
    const status = createEnvelope('message.status', { messageId: DIALOG, externalChatId: '1', status: 'sent', at: crm.occurredAt }, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(status as KnownEnvelope)).toBeNull();
    expect(formatSse({ id: '42', type: 'dialog.closed', accountId: A, data: { dialogId: DIALOG } })).toBe(`id: 42\nevent: dialog.closed\ndata: {"dialogId":"${DIALOG}"}\n\n`);
  });

  it('reads a position only from one of our ids', () => {
    expect(parseEventId('1042')).toBe(1042n);
    expect(parseEventId(' 7 ')).toBe(7n);
    for (const bad of [undefined, '', 'abc', '-1', '1e3', DIALOG, '1'.repeat(19)]) expect(parseEventId(bad)).toBeUndefined();
  });

  it('writes an event only to the live streams of its account, and stops writing to a detached stream', async () => {
    const seq = new FakeSequence();
    seq.add(A, 2);
    const hub = hubOn(seq);
    const a1 = stream();
    const a2 = stream();
    const b = stream();
    await hub.attach(A, a1).ready;
    const second = hub.attach(A, a2);
    await second.ready;
    const other = hub.attach(B, b);
    await other.ready;
    // Streams without a position start at the end: nothing recorded before they connected.
    expect([a1.chunks, a2.chunks, b.chunks]).toEqual([[], [], []]);
    seq.add(A);
    hub.poll();
    await flush();
    second.detach();
    seq.add(A);
    seq.add(B);
    hub.poll();
    await flush();
    expect(a1.ids()).toEqual(['3', '4']);
    expect(a2.ids()).toEqual(['3']);
    expect(b.ids()).toEqual(['5']);
    other.detach();
    hub.onModuleDestroy();
    expect(a1.ended).toBe(true);
  });

  it('replays everything of the account after the position, then goes live — each event once, in order', async () => {
    const seq = new FakeSequence();
    seq.add(A, 3);
    seq.add(B, 2);
    seq.add(A, 1200); // more than a replay page
    const hub = hubOn(seq);
    const s = stream();
    await hub.attach(A, s, 2n).ready;
    seq.add(A);
    hub.poll();
    await flush();
    const expected = seq.rows.filter((r) => r.accountId === A && Number(r.id) > 2).map((r) => r.id);
    expect(s.ids()).toEqual(expected);
    expect(s.ids()).toHaveLength(1202);
  });

  it('a stream that reconnects while the feed is reading other accounts still replays what that read skipped', async () => {
    const seq = new FakeSequence();
    const hub = hubOn(seq);
    const b = stream();
    await hub.attach(B, b).ready;
    seq.add(A); // 1: while A was disconnected
    seq.add(B); // 2
    // The feed reads for account B only (A is not attached) …
    const held = seq.hold();
    hub.poll();
    await held.reading;
    // … while A reconnects, having seen nothing yet, and goes live at the feed's old horizon.
    const a = stream();
    await hub.attach(A, a, 0n).ready;
    seq.add(A); // 3
    held.release();
    await flush();
    await flush();
    hub.poll();
    await flush();
    await flush();
    expect(b.ids()).toEqual(['2']);
    expect(a.ids()).toEqual(['1', '3']);
  });

  it('pings idle streams and ends them all once the HTTP server stops listening', async () => {
    jest.useFakeTimers();
    const hub = hubOn(new FakeSequence());
    const s = stream();
    await hub.attach(A, s).ready;
    jest.advanceTimersByTime(15_000);
    expect(s.chunks).toContain(': ping\n\n');
    listening = false;
    jest.advanceTimersByTime(1_000);
    expect(s.ended).toBe(true);
    expect(hub.size).toBe(0);
  });
});
