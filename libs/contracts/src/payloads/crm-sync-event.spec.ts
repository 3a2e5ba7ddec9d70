import { randomUUID } from 'node:crypto';
import { decodeEnvelope, encodeEnvelope } from '../codec';
import { createEnvelope } from '../envelope';
import { CrmEventData } from './crm-event';

describe('crm.event sync.updated (the integrations service, DESIGN §7a)', () => {
  const scope = { accountId: randomUUID(), channelId: randomUUID() };
  const sync = { integrationId: randomUUID(), recordId: randomUUID(), entity: 'lead' as const, entityId: randomUUID(), leadId: randomUUID(), state: 'synced' as const, externalId: '4521', attempts: 0 };

  it('round-trips with its sync change', () => {
    const envelope = createEnvelope('crm.event', { kind: 'sync.updated', dialogId: randomUUID(), sync }, scope);
    expect(decodeEnvelope(encodeEnvelope(envelope), CrmEventData).data.sync).toEqual(sync);
  });

  it.each([
    ['without its sync change', undefined],
    ['with an unknown state', { ...sync, state: 'dead' }],
    ['with an unknown entity', { ...sync, entity: 'deal' }],
  ])('is refused %s', (_name, change) => {
    expect(() => encodeEnvelope(createEnvelope('crm.event', { kind: 'sync.updated', dialogId: randomUUID(), ...(change ? { sync: change } : {}) } as never, scope))).toThrow(/sync/);
  });
});
