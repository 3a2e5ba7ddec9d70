import type { HttpAdapterHost } from '@nestjs/core';
import { createEnvelope, type KnownEnvelope } from '@crm/contracts';
import { formatSse, toLiveEvent } from './live-event';
import { LiveEventHub, type LiveStream } from './live-event.hub';

const A = '0b7c6a52-6f5e-4f3e-9d1a-2b8c4e6f7a10';
const B = '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f';
const CHANNEL = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const DIALOG = '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e';

function stream(): LiveStream & { chunks: string[]; ended: boolean } {
  const s = { chunks: [] as string[], ended: false, write: (c: string) => void s.chunks.push(c), end: () => void (s.ended = true) };
  return s;
}

describe('live events', () => {
  let listening = true;
  const host = { httpAdapter: { getHttpServer: () => ({ listening }) } } as unknown as HttpAdapterHost;

  afterEach(() => {
    listening = true;
    jest.useRealTimers();
  });

  it('maps CRM events under their kind and channel health as channel.status; ignores raw delivery reports', () => {
    const crm = createEnvelope('crm.event', { kind: 'message.received', dialogId: DIALOG, messageId: DIALOG }, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(crm as KnownEnvelope)).toEqual({
      id: crm.id,
      type: 'message.received',
      accountId: A,
      data: { channelId: CHANNEL, occurredAt: crm.occurredAt, kind: 'message.received', dialogId: DIALOG, messageId: DIALOG },
    });
    const health = createEnvelope('channel.health', { channelId: CHANNEL, status: 'degraded' } as never, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(health as KnownEnvelope)).toMatchObject({ type: 'channel.status', accountId: A, data: { channelId: CHANNEL, status: 'degraded' } });
    const status = createEnvelope('message.status', { messageId: DIALOG, externalChatId: '1', status: 'sent', at: crm.occurredAt }, { accountId: A, channelId: CHANNEL });
    expect(toLiveEvent(status as KnownEnvelope)).toBeNull();
    expect(formatSse({ id: 'x', type: 'dialog.closed', accountId: A, data: { dialogId: DIALOG } })).toBe(`id: x\nevent: dialog.closed\ndata: {"dialogId":"${DIALOG}"}\n\n`);
  });

  it('writes an event only to the streams of its account, and stops writing to a detached stream', () => {
    const hub = new LiveEventHub(host);
    const a1 = stream();
    const a2 = stream();
    const b = stream();
    const detachA2 = hub.attach(A, a1) && hub.attach(A, a2);
    const detachB = hub.attach(B, b);
    expect(hub.publish({ id: '1', type: 'message.received', accountId: A, data: {} })).toBe(2);
    detachA2();
    expect(hub.publish({ id: '2', type: 'message.received', accountId: A, data: {} })).toBe(1);
    expect(a1.chunks).toHaveLength(2);
    expect(a2.chunks).toHaveLength(1);
    expect(b.chunks).toEqual([]);
    detachB();
    expect(hub.publish({ id: '3', type: 'x', accountId: B, data: {} })).toBe(0);
    hub.onModuleDestroy();
    expect(a1.ended).toBe(true);
  });

  it('pings idle streams and ends them all once the HTTP server stops listening', () => {
    jest.useFakeTimers();
    const hub = new LiveEventHub(host);
    const s = stream();
    hub.attach(A, s);
    jest.advanceTimersByTime(15_000);
    expect(s.chunks).toContain(': ping\n\n');
    listening = false;
    jest.advanceTimersByTime(1_000);
    expect(s.ended).toBe(true);
    expect(hub.size).toBe(0);
  });
});
