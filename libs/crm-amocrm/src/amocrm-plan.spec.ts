import type { ClientItem, LeadItem, MessageItem, SyncItem } from '@crm/crm-port';
import { apiError, validationDetail } from './amocrm-errors';
import { phoneQuery, samePhone } from './amocrm-fields';
import { chooseStage, parsePipelines } from './amocrm-pipelines';
import { actionCreates, actionRecordIds, planAmocrmAction } from './amocrm-plan';

const channel = { id: 'ch', type: 'telegram', name: 'Бот' };
const base = { parentRecordId: null, parentExternalId: null, needsLookup: false, attempts: 0 };

function client(id: string, phone: { e164: string; verified: boolean } | null = null, extra: Partial<ClientItem> = {}): ClientItem {
  return {
    ...base,
    recordId: `c-${id}`,
    entityId: id,
    entity: 'client',
    phoneSearched: false,
    client: { id, name: 'Иван', phoneE164: phone?.e164 ?? null, phoneVerified: phone?.verified ?? false, identity: null },
    ...extra,
  };
}

function lead(id: string, clientRecordId: string | null, extra: Partial<LeadItem> = {}): LeadItem {
  return { ...base, recordId: `l-${id}`, entityId: id, entity: 'lead', parentRecordId: clientRecordId, lead: { id, title: 'Лид', clientName: 'Иван', channel }, ...extra };
}

function message(id: string, leadRecordId: string, leadExternalId: string | null, extra: Partial<MessageItem> = {}): MessageItem {
  return {
    ...base,
    recordId: `m-${id}`,
    entityId: id,
    entity: 'message',
    parentRecordId: leadRecordId,
    parentExternalId: leadExternalId,
    leadId: leadRecordId.slice(2),
    message: { id, direction: 'in', kind: 'text', text: id, attachments: [], sentAt: new Date(0), deleted: false, channel },
    ...extra,
  };
}

const ids = (work: SyncItem[]) => {
  const action = planAmocrmAction(work);
  return action && { kind: action.kind, records: actionRecordIds(action), creates: actionCreates(action) };
};

describe('planAmocrmAction: one request per step, in dependency order', () => {
  it('a verified phone is searched first; a typed one never is', () => {
    const verified = client('1', { e164: '+79161234567', verified: true });
    expect(ids([verified, lead('1', verified.recordId)])).toEqual({ kind: 'find-contact', records: ['c-1'], creates: [] });
    const typed = client('2', { e164: '+79161234567', verified: false });
    expect(ids([typed, lead('2', typed.recordId)])).toEqual({ kind: 'add-leads', records: ['c-2', 'l-2'], creates: ['c-2', 'l-2'] });
  });

  it('after the search the client goes with its lead in one complex request; leads with known or no contacts join it', () => {
    const searched = client('1', { e164: '+79161234567', verified: true }, { phoneSearched: true });
    const work = [searched, lead('1', searched.recordId), lead('2', 'c-x', { parentExternalId: '555' }), lead('3', null), message('m1', 'l-1', null)];
    expect(ids(work)).toEqual({ kind: 'add-leads', records: ['c-1', 'l-1', 'l-2', 'l-3'], creates: ['c-1', 'l-1', 'l-2', 'l-3'] });
  });

  it('a lead that may exist is looked up (with its new contact) before anything is created', () => {
    const c = client('1', null, { needsLookup: true });
    expect(ids([c, lead('1', c.recordId, { needsLookup: true })])).toEqual({ kind: 'find-lead', records: ['c-1', 'l-1'], creates: [] });
  });

  it('a client without its lead in the work gets the contact alone', () => {
    expect(ids([client('1')])).toEqual({ kind: 'add-contact', records: ['c-1'], creates: ['c-1'] });
  });

  it('notes go in order per lead and never past one that waits or must be looked up', () => {
    const work = [message('a1', 'l-a', '10'), message('b1', 'l-b', '20', { needsLookup: true }), message('a2', 'l-a', '10'), message('b2', 'l-b', '20'), message('c1', 'l-c', null)];
    expect(ids(work)).toEqual({ kind: 'add-notes', records: ['m-a1', 'm-a2'], creates: ['m-a1', 'm-a2'] });
    expect(ids(work.slice(1))).toEqual({ kind: 'find-notes', records: ['m-b1'], creates: [] });
  });

  it('nothing can go while every record waits for its parent', () => {
    expect(planAmocrmAction([message('x', 'l-x', null)])).toBeNull();
  });
});

describe('pipelines: the stage new leads go to', () => {
  const pipelines = parsePipelines({
    _embedded: {
      pipelines: [
        { id: 1, name: 'Main', is_main: true, _embedded: { statuses: [{ id: 142, sort: 10000, type: 0 }, { id: 12, sort: 30, type: 0 }, { id: 10, sort: 10, type: 1 }, { id: 11, sort: 20, type: 0 }] } },
        { id: 2, name: 'Old', is_main: false, is_archive: true, _embedded: { statuses: [{ id: 21, sort: 20, type: 0 }] } },
        { id: 3, name: 'Partners', is_main: false, _embedded: { statuses: [{ id: 31, sort: 20, type: 0 }] } },
      ],
    },
  });

  it('defaults to the main pipeline’s first open stage after the unsorted one', () => {
    expect(chooseStage(pipelines)).toEqual({ pipelineId: 1, statusId: 11 });
    expect(chooseStage(pipelines, 3)).toEqual({ pipelineId: 3, statusId: 31 });
    expect(chooseStage(pipelines, null, 31)).toEqual({ pipelineId: 3, statusId: 31 });
  });

  it('refuses archived pipelines, stages of another pipeline, the unsorted and the won/lost stages, naming the field', () => {
    expect(chooseStage(pipelines, 2)).toMatchObject({ problem: { field: 'pipelineId' } });
    expect(chooseStage(pipelines, 1, 31)).toMatchObject({ problem: { field: 'statusId' } });
    expect(chooseStage(pipelines, 1, 10)).toMatchObject({ problem: { field: 'statusId' } });
    expect(chooseStage(pipelines, 1, 142)).toMatchObject({ problem: { field: 'statusId', message: expect.stringContaining('11 «') } });
  });
});

describe('phones and errors', () => {
  it('searches by the national number and accepts the ways a Russian number is written', () => {
    expect(phoneQuery('+79161234567')).toBe('9161234567');
    for (const written of ['+7 916 123-45-67', '8 (916) 123 45 67', '79161234567', '9161234567']) expect(samePhone(written, '+79161234567')).toBe(true);
    for (const other of ['+7 916 123-45-68', '+3809161234567', '916123456']) expect(samePhone(other, '+79161234567')).toBe(false);
  });

  it('reads problem+json validation errors and a non-JSON 429', () => {
    const err = apiError(400, { title: 'Bad Request', status: 400, detail: 'Request validation failed', 'validation-errors': [{ request_id: '0', errors: [{ code: 'NotSupportedChoice', path: 'status_id', detail: 'bad' }] }] }, '');
    expect(err.validationErrors).toEqual([{ requestId: '0', code: 'NotSupportedChoice', path: 'status_id', detail: 'bad' }]);
    expect(validationDetail(err.validationErrors)).toBe('status_id: bad (NotSupportedChoice)');
    const limited = apiError(429, undefined, '<html><body>Too Many Requests</body></html>', '3');
    expect(limited).toMatchObject({ status: 429, detail: 'Too Many Requests', retryAfterMs: 3000 });
  });
});
