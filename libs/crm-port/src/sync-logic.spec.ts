import { randomUUID } from 'node:crypto';
import { planSyncRecords, type ForwardableEvent } from './sync-records-plan';
import { recordUpdates, throttleAfter, type RecordState } from './sync-transitions';

describe('planSyncRecords: CRM events → sync records in dependency order', () => {
  const accountId = randomUUID();
  const channelId = randomUUID();
  const integrationId = randomUUID();
  const dialogId = randomUUID();
  const channels = new Map([[channelId, { accountId, integrationId }]]);
  const ev = (e: Partial<ForwardableEvent> & { kind: string }): ForwardableEvent => ({ accountId, channelId, dialogId, ...e });

  it('client, then lead (after its client), then messages (after their lead); one record per entity', () => {
    const [clientId, leadId, m1, m2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const planned = planSyncRecords({
      events: [
        ev({ kind: 'dialog.opened' }),
        ev({ kind: 'client.created', clientId }),
        ev({ kind: 'lead.created', leadId, clientId }),
        ev({ kind: 'message.received', messageId: m1, leadId, clientId }),
        ev({ kind: 'message.sent', messageId: m2 }),
        ev({ kind: 'message.received', messageId: m1, leadId }),
      ],
      channels,
      leads: new Map([[leadId, { clientId, dialogId }]]),
      messageLeads: new Map([[m2, leadId]]),
    });
    expect(planned.map((r) => [r.entity, r.entityId, r.parent?.entityId ?? null])).toEqual([
      ['client', clientId, null],
      ['lead', leadId, clientId],
      ['message', m1, leadId],
      ['message', m2, leadId],
    ]);
  });

  it('a message of a lead that predates the link brings the lead and its client along; a message without a lead and another account\'s event do not count', () => {
    const [clientId, leadId, m1, m2, m3] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const planned = planSyncRecords({
      events: [ev({ kind: 'message.received', messageId: m1, leadId }), ev({ kind: 'message.received', messageId: m2 }), ev({ kind: 'message.received', messageId: m3, leadId, accountId: randomUUID() })],
      channels,
      leads: new Map([[leadId, { clientId, dialogId }]]),
      messageLeads: new Map([[m2, null]]),
    });
    expect(planned.map((r) => r.entity)).toEqual(['client', 'lead', 'message']);
    expect(planned[2].entityId).toBe(m1);
  });
});

describe('recordUpdates / throttleAfter: what a step leaves behind', () => {
  const policy = { maxAttempts: 3, backoff: { baseMs: 1000, maxMs: 60_000 } };
  const record = (over: Partial<RecordState> = {}): RecordState => ({ recordId: randomUUID(), attempts: 0, needsLookup: true, phoneSearched: false, error: null, ...over });

  it('synced; refused (backoff, then failed at the bound); not found; not executed', () => {
    const [a, b, c, d, e] = [record(), record(), record({ attempts: 2 }), record(), record()];
    const creates = new Set([a, b, c, e].map((r) => r.recordId));
    const updates = recordUpdates(
      [a, b, c, d, e],
      creates,
      {
        outcomes: [
          { recordId: a.recordId, kind: 'synced', externalId: '7' },
          { recordId: b.recordId, kind: 'error', code: 'BITRIX24_X', detail: '', permanent: true },
          { recordId: c.recordId, kind: 'error', code: 'BITRIX24_X', detail: '', permanent: true },
          { recordId: d.recordId, kind: 'not-found', phoneSearched: true },
        ],
      },
      policy,
      10_000,
    );
    expect(updates.map((u) => [u.state, u.externalId, u.error, u.attempts, u.nextAttemptAt, u.needsLookup, u.phoneSearched])).toEqual([
      ['synced', '7', null, 0, null, false, false],
      ['pending', null, 'BITRIX24_X', 1, 11_000, false, false],
      ['failed', null, 'BITRIX24_X', 3, null, false, false],
      ['pending', null, null, 0, 10_000, false, true],
      // e: not carried out (the batch halted before it): nothing was created.
      ['pending', null, null, 0, null, false, false],
    ]);
  });

  it('an unclear outage: the creates must be looked up next time, attempts count, the integration backs off', () => {
    const [a, b] = [record({ needsLookup: false }), record({ needsLookup: false })];
    const updates = recordUpdates([a, b], new Set([a.recordId]), { outcomes: [], integration: { kind: 'unavailable', code: 'BITRIX24_TIMEOUT', detail: '', unclear: true } }, policy, 0);
    expect(updates.map((u) => [u.state, u.attempts, u.needsLookup, u.error])).toEqual([
      ['pending', 1, true, 'BITRIX24_TIMEOUT'],
      ['pending', 1, false, 'BITRIX24_TIMEOUT'],
    ]);
    const throttle = { bucket: { level: 3, at: 0 }, blockedUntil: 0, failures: 2 };
    expect(throttleAfter(throttle, { kind: 'unavailable', code: 'X', detail: '', unclear: false }, { perSecond: 2, burst: 50 }, policy.backoff, 100)).toMatchObject({ failures: 3, blockedUntil: 4100 });
    expect(throttleAfter(throttle, { kind: 'rate-limited', retryAfterMs: 1000 }, { perSecond: 2, burst: 50 }, policy.backoff, 100)).toEqual({ bucket: { level: 50, at: 100 }, blockedUntil: 1100, failures: 2 });
    expect(throttleAfter(throttle, undefined, { perSecond: 2, burst: 50 }, policy.backoff, 100).failures).toBe(0);
  });
});
