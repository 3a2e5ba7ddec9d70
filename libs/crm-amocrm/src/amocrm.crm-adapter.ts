import {
  CrmHostUnresolvedError,
  CrmTransportError,
  CrmUrlRefusedError,
  messageMarker,
  type CrmAdapter,
  type CrmCheck,
  type CrmCredentials,
  type CrmStep,
  type CrmStepResult,
  type IntegrationSignal,
  type RecordOutcome,
} from '@crm/crm-port';
import { AmocrmAccess, type AmocrmAuth, type AmocrmConnection } from './amocrm-access';
import { amocrmBaseUrl, readTokens } from './amocrm-client';
import {
  AMOCRM_AUTH_CODE_INVALID,
  AMOCRM_TOKEN_INVALID,
  AMOCRM_VALIDATION_FAILED,
  AmocrmApiError,
  AmocrmGrantRejectedError,
  validationDetail,
} from './amocrm-errors';
import { contactBody, leadBody, noteBody, phoneQuery, samePhone } from './amocrm-fields';
import { actionCreates, actionRecordIds, AMOCRM_BATCH_LIMIT, planAmocrmAction, type AmocrmAction, type LeadEntry } from './amocrm-plan';

/** amoCRM's documented limit (PLATFORMS.md §6): 7 requests/s; sent evenly (a burst of 7 would still trip a 1 s window). */
export const AMOCRM_RATE_LIMIT = { perSecond: 7, burst: 1 } as const;
/** Stored as the reason when the account blocks us (403: IP not allowed, account blocked) or is unpaid (402). */
export const AMOCRM_ACCESS_DENIED = 'AMOCRM_ACCESS_DENIED';
export const AMOCRM_URL_REFUSED = 'INTEGRATION_SETTINGS_INVALID';
const RATE_LIMIT_RETRY_MS = 1000;

type Found<T> = { _embedded?: Record<string, T[] | undefined> } | null;
interface ContactRow {
  id: number;
  custom_fields_values?: Array<{ field_code?: string; values?: Array<{ value?: unknown }> }> | null;
}
interface LeadRow {
  id: number;
  name?: string;
  _embedded?: { contacts?: Array<{ id: number }> };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/**
 * amoCRM API v4 (DESIGN §7a, PLATFORMS.md §6): contact by verified phone, lead + new contact together with
 * `leads/complex` (our lead id in the searchable name, a tag for the channel), messages as `common` notes with our
 * marker; OAuth pairs refreshed before expiry and on a 401 under the token store's lock (AmocrmAccess).
 */
export class AmocrmCrmAdapter implements CrmAdapter<AmocrmConnection> {
  readonly type = 'amocrm';
  readonly rateLimit = AMOCRM_RATE_LIMIT;
  readonly maxItemsPerStep = AMOCRM_BATCH_LIMIT;

  constructor(
    private readonly access: AmocrmAccess,
    private readonly baseUrlTemplate: string,
  ) {}

  connect({ settings, secrets, integration }: CrmCredentials): AmocrmConnection {
    const subdomain = str(settings.subdomain);
    const clientId = str(settings.clientId);
    const redirectUri = str(settings.redirectUri);
    if (!subdomain || !clientId || !redirectUri) throw new Error('the amoCRM integration lacks subdomain, clientId or redirectUri');
    const longLived = str(secrets.longLivedToken);
    const auth: AmocrmAuth = longLived ? { kind: 'long-lived', token: longLived } : { kind: 'oauth', tokens: readTokens(secrets.oauth), authCode: str(secrets.authCode) };
    if (auth.kind === 'oauth' && !auth.tokens && !auth.authCode) throw new Error('the amoCRM integration has neither tokens nor an authorization code');
    return {
      base: amocrmBaseUrl(this.baseUrlTemplate, subdomain),
      client: { clientId, clientSecret: str(secrets.clientSecret) ?? '', redirectUri },
      auth,
      ref: integration ? { integrationId: integration.id, accountId: integration.accountId } : null,
      pipelineId: int(settings.pipelineId),
      statusId: int(settings.statusId),
    };
  }

  /** A real call with the credentials (exchanging the code first if it never was): `GET /api/v4/account`. */
  async verify(conn: AmocrmConnection): Promise<CrmCheck> {
    try {
      await this.access.client.http.policy.assertAllowed(conn.base);
      await this.access.call(conn, 'GET', '/api/v4/account');
      return { outcome: 'valid' };
    } catch (err) {
      return checkOutcome(err);
    }
  }

  plan(conn: AmocrmConnection, work: Parameters<CrmAdapter['plan']>[1]): CrmStep | null {
    const action = planAmocrmAction(work);
    if (!action) return null;
    return { recordIds: actionRecordIds(action), creates: actionCreates(action), execute: () => this.execute(conn, action) };
  }

  private async execute(conn: AmocrmConnection, action: AmocrmAction): Promise<CrmStepResult> {
    try {
      return { outcomes: await this.perform(conn, action) };
    } catch (err) {
      if (err instanceof AmocrmApiError && err.status === 400) return { outcomes: refusedOutcomes(action, err) };
      if (err instanceof AmocrmApiError && err.status === 404 && action.kind !== 'find-contact') {
        return { outcomes: actionRecordIds(action).map((recordId) => ({ recordId, kind: 'error', code: 'AMOCRM_NOT_FOUND', detail: err.detail, permanent: true })) };
      }
      return { outcomes: [], integration: requestSignal(err, actionCreates(action).length > 0) };
    }
  }

  private perform(conn: AmocrmConnection, action: AmocrmAction): Promise<RecordOutcome[]> {
    switch (action.kind) {
      case 'find-contact':
        return this.findContact(conn, action.client.recordId, action.client.client.phoneE164!);
      case 'find-lead':
        return this.findLead(conn, action);
      case 'find-notes':
        return this.findNotes(conn, action);
      case 'add-contact':
        return this.addContact(conn, action);
      case 'add-leads':
        return this.addLeads(conn, action.entries);
      case 'add-notes':
        return this.addNotes(conn, action);
    }
  }

  private async findContact(conn: AmocrmConnection, recordId: string, phone: string): Promise<RecordOutcome[]> {
    const found = await this.access.call<Found<ContactRow>>(conn, 'GET', `/api/v4/contacts?query=${encodeURIComponent(phoneQuery(phone))}&limit=50`);
    const match = (found?._embedded?.contacts ?? []).find((c) =>
      (c.custom_fields_values ?? []).some((f) => f.field_code === 'PHONE' && (f.values ?? []).some((v) => typeof v.value === 'string' && samePhone(v.value, phone))),
    );
    return [match ? { recordId, kind: 'synced', externalId: String(match.id) } : { recordId, kind: 'not-found', phoneSearched: true }];
  }

  private async findLead(conn: AmocrmConnection, { lead, client }: Extract<AmocrmAction, { kind: 'find-lead' }>): Promise<RecordOutcome[]> {
    const found = await this.access.call<Found<LeadRow>>(conn, 'GET', `/api/v4/leads?query=${encodeURIComponent(lead.lead.id)}&with=contacts&limit=50`);
    const match = (found?._embedded?.leads ?? []).find((l) => (l.name ?? '').includes(lead.lead.id));
    const contactId = match?._embedded?.contacts?.[0]?.id;
    const clientOutcome: RecordOutcome[] = client
      ? [contactId !== undefined ? { recordId: client.recordId, kind: 'synced', externalId: String(contactId) } : { recordId: client.recordId, kind: 'not-found' }]
      : [];
    return [...clientOutcome, match ? { recordId: lead.recordId, kind: 'synced', externalId: String(match.id) } : { recordId: lead.recordId, kind: 'not-found' }];
  }

  private async findNotes(conn: AmocrmConnection, { leadExternalId, messages }: Extract<AmocrmAction, { kind: 'find-notes' }>): Promise<RecordOutcome[]> {
    const found = await this.access.call<Found<{ id: number; params?: { text?: string } }>>(conn, 'GET', `/api/v4/leads/${encodeURIComponent(leadExternalId)}/notes?filter[note_type]=common&limit=250`);
    const notes = found?._embedded?.notes ?? [];
    return messages.map((m) => {
      const note = notes.find((n) => (n.params?.text ?? '').includes(messageMarker(m.message.id)));
      return note ? { recordId: m.recordId, kind: 'synced', externalId: String(note.id) } : { recordId: m.recordId, kind: 'not-found' };
    });
  }

  private async addContact(conn: AmocrmConnection, { client }: Extract<AmocrmAction, { kind: 'add-contact' }>): Promise<RecordOutcome[]> {
    const answer = await this.access.call<Found<{ id: number }>>(conn, 'POST', '/api/v4/contacts', [contactBody(client.client)]);
    const id = answer?._embedded?.contacts?.[0]?.id;
    if (id === undefined) throw new AmocrmApiError(502, 'Bad Gateway', 'contact created without an id in the answer');
    return [{ recordId: client.recordId, kind: 'synced', externalId: String(id) }];
  }

  private async addLeads(conn: AmocrmConnection, entries: readonly LeadEntry[]): Promise<RecordOutcome[]> {
    const stage = { pipelineId: conn.pipelineId, statusId: conn.statusId };
    const body = entries.map((e) => leadBody(e.lead.lead, stage, e.newContact ? contactBody(e.newContact.client) : e.contactId ? { id: Number(e.contactId) } : null));
    const answer = (await this.access.call<Array<{ id: number; contact_id?: number | null }>>(conn, 'POST', '/api/v4/leads/complex', body)) ?? [];
    return entries.flatMap((e, i): RecordOutcome[] => {
      const created = answer[i];
      if (!created) return [];
      const contact: RecordOutcome[] = e.newContact
        ? [typeof created.contact_id === 'number' ? { recordId: e.newContact.recordId, kind: 'synced', externalId: String(created.contact_id) } : { recordId: e.newContact.recordId, kind: 'not-found' }]
        : [];
      return [...contact, { recordId: e.lead.recordId, kind: 'synced', externalId: String(created.id) }];
    });
  }

  private async addNotes(conn: AmocrmConnection, { messages }: Extract<AmocrmAction, { kind: 'add-notes' }>): Promise<RecordOutcome[]> {
    const answer = await this.access.call<Found<{ id: number }>>(conn, 'POST', '/api/v4/leads/notes', messages.map((m) => noteBody(m.parentExternalId!, m.message)));
    const notes = answer?._embedded?.notes ?? [];
    return messages.flatMap((m, i): RecordOutcome[] => (notes[i] ? [{ recordId: m.recordId, kind: 'synced', externalId: String(notes[i].id) }] : []));
  }
}

/**
 * A 400 refuses the whole request (nothing was created). Records named by `validation-errors` failed for their
 * content (`AMOCRM_VALIDATION_FAILED:<field>`); the others were fine and go again without them. A 400 naming nobody
 * refuses every record of the request.
 */
function refusedOutcomes(action: AmocrmAction, err: AmocrmApiError): RecordOutcome[] {
  const groups = itemsOf(action);
  const outcomes: RecordOutcome[] = [];
  groups.forEach((recordIds, index) => {
    const errors = err.validationErrors.filter((e) => e.requestId === String(index) || e.requestId === requestIdOf(action, index));
    if (errors.length === 0 && err.validationErrors.length > 0) return;
    const code = errors.length > 0 ? `${AMOCRM_VALIDATION_FAILED}:${errors[0].path || 'body'}` : AMOCRM_VALIDATION_FAILED;
    const detail = errors.length > 0 ? validationDetail(errors) : err.detail;
    for (const recordId of recordIds) outcomes.push({ recordId, kind: 'error', code, detail, permanent: true });
  });
  return outcomes;
}

/** The records of each item of the request's array body, by index. */
function itemsOf(action: AmocrmAction): string[][] {
  if (action.kind === 'add-leads') return action.entries.map((e) => [...(e.newContact ? [e.newContact.recordId] : []), e.lead.recordId]);
  if (action.kind === 'add-notes') return action.messages.map((m) => [m.recordId]);
  return [actionRecordIds(action)];
}

function requestIdOf(action: AmocrmAction, index: number): string | undefined {
  return action.kind === 'add-leads' ? action.entries[index]?.lead.lead.id : undefined;
}

/** What a failed request means for the integration as a whole. */
export function requestSignal(err: unknown, mayHaveCreated: boolean): IntegrationSignal {
  if (err instanceof AmocrmGrantRejectedError) {
    return { kind: 'credentials-rejected', code: err.grant === 'authorization_code' ? AMOCRM_AUTH_CODE_INVALID : AMOCRM_TOKEN_INVALID, detail: `${err.message}: re-authorize the integration with a new authorization code` };
  }
  if (err instanceof AmocrmApiError) {
    if (err.status === 429) return { kind: 'rate-limited', retryAfterMs: err.retryAfterMs ?? RATE_LIMIT_RETRY_MS };
    if (err.status === 401) return { kind: 'credentials-rejected', code: AMOCRM_TOKEN_INVALID, detail: `${err.detail}: re-authorize the integration` };
    if (err.status === 402 || err.status === 403) return { kind: 'credentials-rejected', code: AMOCRM_ACCESS_DENIED, detail: err.detail };
    return { kind: 'unavailable', code: `AMOCRM_HTTP_${err.status}`, detail: err.detail, unclear: mayHaveCreated && err.status >= 500 };
  }
  if (err instanceof CrmUrlRefusedError) return { kind: 'credentials-rejected', code: AMOCRM_URL_REFUSED, detail: `amoCRM URL ${err.message}` };
  if (err instanceof CrmTransportError) return { kind: 'unavailable', code: `AMOCRM_${err.code}`, detail: err.message, unclear: mayHaveCreated && err.unclear };
  if (err instanceof CrmHostUnresolvedError) return { kind: 'unavailable', code: 'AMOCRM_CONNECTION_FAILED', detail: err.message, unclear: false };
  // Mostly the token store (Postgres) failing or its lock not had in time, before anything was sent; else unclear.
  return { kind: 'unavailable', code: 'AMOCRM_REQUEST_FAILED', detail: (err as Error)?.message ?? String(err), unclear: mayHaveCreated };
}

/** What a failed check means: refused credentials (with their code), or amoCRM not reachable now. */
export function checkOutcome(err: unknown): CrmCheck {
  const signal = requestSignal(err, false);
  if (signal.kind === 'credentials-rejected') return { outcome: 'rejected', code: signal.code, detail: signal.detail };
  return { outcome: 'unavailable', detail: signal.kind === 'rate-limited' ? 'amoCRM rate limit (429)' : signal.detail };
}
