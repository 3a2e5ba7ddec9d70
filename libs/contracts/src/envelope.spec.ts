import { createEnvelope, EventEnvelope, eventHeaders, HEADER_CORRELATION_ID, HEADER_EVENT_TYPE, readHeader } from './index';
import { ACCOUNT_ID, CHANNEL_ID, crmEvent, inboundText } from './test-fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEnvelope', () => {
  it('fills id (uuid v4), version from the registry, occurredAt now', () => {
    const before = Date.now();
    const env = createEnvelope('message.inbound', inboundText(), { accountId: ACCOUNT_ID, channelId: CHANNEL_ID });
    expect(env).toBeInstanceOf(EventEnvelope);
    expect(env.id).toMatch(UUID);
    expect(env.type).toBe('message.inbound');
    expect(env.version).toBe(1);
    expect(env.accountId).toBe(ACCOUNT_ID);
    expect(env.channelId).toBe(CHANNEL_ID);
    expect(Date.parse(env.occurredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(env.occurredAt).toMatch(/Z$/);
    expect(env.data).toEqual(inboundText());
  });

  it('ids are unique; explicit id / occurredAt / version are kept', () => {
    const a = createEnvelope('crm.event', crmEvent(), { accountId: ACCOUNT_ID });
    const b = createEnvelope('crm.event', crmEvent(), { accountId: ACCOUNT_ID });
    expect(a.id).not.toBe(b.id);
    const c = createEnvelope('crm.event', crmEvent(), {
      accountId: ACCOUNT_ID,
      id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
      occurredAt: '2026-01-01T00:00:00.000Z',
      version: 2,
    });
    expect(c).toMatchObject({ id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', occurredAt: '2026-01-01T00:00:00.000Z', version: 2 });
    expect('channelId' in c).toBe(false);
  });
});

describe('headers', () => {
  it('eventHeaders carries the type and a correlation id (default: envelope id)', () => {
    const env = createEnvelope('crm.event', crmEvent(), { accountId: ACCOUNT_ID });
    expect(eventHeaders(env)).toEqual({ 'x-event-type': 'crm.event', 'x-correlation-id': env.id });
    expect(eventHeaders(env, 'req-1')[HEADER_CORRELATION_ID]).toBe('req-1');
    expect(HEADER_EVENT_TYPE).toBe('x-event-type');
  });

  it('readHeader decodes Buffers, arrays and is case-insensitive', () => {
    const headers = { 'X-Event-Type': Buffer.from('message.inbound'), 'x-correlation-id': [Buffer.from('c1'), 'c2'] };
    expect(readHeader(headers, 'x-event-type')).toBe('message.inbound');
    expect(readHeader(headers, HEADER_CORRELATION_ID)).toBe('c1');
    expect(readHeader(headers, 'missing')).toBeUndefined();
    expect(readHeader(undefined, 'x')).toBeUndefined();
  });
});
