// A local stand-in for amoCRM API v4 accounts (PLATFORMS.md §6), for tests of the api (auth code exchange, token and
// pipeline checks on save) and of the integrations service (forwarding). One server holds many accounts, each under
// its own path prefix, so AMOCRM_BASE_URL = `${fake.baseUrl}/{subdomain}`.
//
//   const amo = await new FakeAmocrmServer().start();
//   const acc = amo.addAccount();                     // acc.subdomain, acc.clientId, acc.clientSecret, acc.redirectUri
//   const code = amo.issueAuthCode(acc.subdomain);    // single use, 20 min
//   amo.expireAccessTokens(acc.subdomain);            // every access token answers 401 from now on
//   amo.throttle(acc.subdomain, 2000);                // 429 for 2 s
//   amo.account(acc.subdomain).leads / .contacts / .notes
import { randomBytes, randomUUID } from 'node:crypto';
import { FakePlatformServer, type FakeReply, type FakeRequest } from '../fake-platform.server';

export interface FakeAmocrmStatus {
  id: number;
  name: string;
  sort: number;
  /** 1 = the unsorted stage, 0 = a regular one (142/143 are won/lost, type 0, sort 10000/11000). */
  type: number;
}

export interface FakeAmocrmPipeline {
  id: number;
  name: string;
  is_main: boolean;
  is_archive: boolean;
  statuses: FakeAmocrmStatus[];
}

export interface FakeAmocrmCustomField {
  field_code?: string;
  field_id?: number;
  values: Array<{ value: string; enum_code?: string }>;
}

export interface FakeAmocrmContact {
  id: number;
  name: string;
  first_name?: string;
  custom_fields_values: FakeAmocrmCustomField[];
}

export interface FakeAmocrmLead {
  id: number;
  name: string;
  pipeline_id: number;
  status_id: number;
  contactIds: number[];
  tags: string[];
  custom_fields_values: FakeAmocrmCustomField[];
}

export interface FakeAmocrmNote {
  id: number;
  entity_id: number;
  note_type: string;
  text: string;
}

export interface FakeAmocrmAccountOptions {
  subdomain?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
}

interface TokenState {
  subdomain: string;
  expiresAt: number;
}

interface RefreshState {
  subdomain: string;
  used: boolean;
}

export class FakeAmocrmAccount {
  readonly id = 30_000_000 + Math.floor(Math.random() * 1_000_000);
  readonly contacts = new Map<number, FakeAmocrmContact>();
  readonly leads = new Map<number, FakeAmocrmLead>();
  readonly notes = new Map<number, FakeAmocrmNote>();
  readonly pipelines: FakeAmocrmPipeline[] = [
    {
      id: 7001,
      name: 'Воронка',
      is_main: true,
      is_archive: false,
      statuses: [
        { id: 70010, name: 'Неразобранное', sort: 10, type: 1 },
        { id: 70011, name: 'Первичный контакт', sort: 20, type: 0 },
        { id: 70012, name: 'Переговоры', sort: 30, type: 0 },
        { id: 142, name: 'Успешно реализовано', sort: 10000, type: 0 },
        { id: 143, name: 'Закрыто и не реализовано', sort: 11000, type: 0 },
      ],
    },
    {
      id: 7002,
      name: 'Партнёры',
      is_main: false,
      is_archive: false,
      statuses: [
        { id: 70020, name: 'Неразобранное', sort: 10, type: 1 },
        { id: 70021, name: 'Заявка', sort: 20, type: 0 },
        { id: 142, name: 'Успешно реализовано', sort: 10000, type: 0 },
        { id: 143, name: 'Закрыто и не реализовано', sort: 11000, type: 0 },
      ],
    },
  ];
  /** Timestamps (ms) of the API requests of the last second, for the 7 req/s limit. */
  readonly recent: number[] = [];
  throttledUntil = 0;
  private nextId = 1000;

  constructor(
    readonly subdomain: string,
    readonly clientId: string,
    readonly clientSecret: string,
    readonly redirectUri: string,
  ) {}

  id_(): number {
    return ++this.nextId;
  }

  addContact(name: string, phone?: string): number {
    const id = this.id_();
    this.contacts.set(id, { id, name, custom_fields_values: phone ? [{ field_code: 'PHONE', values: [{ value: phone, enum_code: 'WORK' }] }] : [] });
    return id;
  }

  /** Notes of a lead, oldest first. */
  notesOf(leadId: number): FakeAmocrmNote[] {
    return [...this.notes.values()].filter((n) => n.entity_id === leadId).sort((a, b) => a.id - b.id);
  }
}

const PROBLEM = 'application/problem+json';
const HAL = 'application/hal+json';
const CODE_TTL_MS = 20 * 60_000;

function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): FakeReply {
  return { status, headers: { 'content-type': PROBLEM }, text: JSON.stringify({ title, type: `https://httpstatus.es/${status}`, status, detail, ...extra }) };
}

function hal(json: unknown, status = 200): FakeReply {
  return { status, headers: { 'content-type': HAL }, text: JSON.stringify(json) };
}

function validation(errors: Array<{ index: number; path: string; detail: string }>): FakeReply {
  return problem(400, 'Bad Request', 'Request validation failed', {
    'validation-errors': errors.map((e) => ({ request_id: String(e.index), errors: [{ code: 'NotSupportedChoice', path: e.path, detail: e.detail }] })),
  });
}

const digits = (value: string) => value.replace(/\D+/g, '');

/** amoCRM API v4 for many accounts: OAuth (rotating single-use refresh tokens), contacts, complex leads, notes. */
export class FakeAmocrmServer extends FakePlatformServer {
  private readonly accounts = new Map<string, FakeAmocrmAccount>();
  private readonly codes = new Map<string, { subdomain: string; expiresAt: number; used: boolean }>();
  private readonly accessTokens = new Map<string, TokenState>();
  private readonly refreshTokens = new Map<string, RefreshState>();
  private readonly longLived = new Map<string, string>();
  /** Requests per second per account (PLATFORMS.md §6: 7); 0 switches the limit off. */
  perSecond: number;
  /** `expires_in` of new access tokens, seconds. */
  accessTokenTtlS = 86_400;

  constructor(options: { port?: number; perSecond?: number } = {}) {
    super(options);
    this.perSecond = options.perSecond ?? 7;
    this.route('POST', '/:sub/oauth2/access_token', (req) => this.token(req), { name: 'oauth2/access_token' });
    this.api('GET', '/api/v4/account', (acc) => hal({ id: acc.id, name: `Аккаунт ${acc.subdomain}`, subdomain: acc.subdomain, country: 'RU' }));
    this.api('GET', '/api/v4/leads/pipelines', (acc) => hal(this.pipelinesBody(acc)));
    this.api('GET', '/api/v4/contacts', (acc, req) => this.searchContacts(acc, req));
    this.api('POST', '/api/v4/contacts', (acc, req) => this.addContacts(acc, req));
    this.api('POST', '/api/v4/leads/complex', (acc, req) => this.complex(acc, req));
    this.api('GET', '/api/v4/leads', (acc, req) => this.searchLeads(acc, req));
    this.api('POST', '/api/v4/leads/notes', (acc, req) => this.addNotes(acc, req));
    this.api('GET', '/api/v4/leads/:id/notes', (acc, req) => this.leadNotes(acc, req));
  }

  protected override acceptsJsonArrays(): boolean {
    return true;
  }

  addAccount(options: FakeAmocrmAccountOptions = {}): FakeAmocrmAccount {
    const subdomain = options.subdomain ?? `acc${randomBytes(4).toString('hex')}`;
    const account = new FakeAmocrmAccount(
      subdomain,
      options.clientId ?? randomUUID(),
      options.clientSecret ?? randomBytes(24).toString('hex'),
      options.redirectUri ?? 'https://crm.example.com/amocrm/oauth',
    );
    this.accounts.set(subdomain, account);
    return account;
  }

  account(subdomain: string): FakeAmocrmAccount {
    const account = this.accounts.get(subdomain);
    if (!account) throw new Error(`no fake amoCRM account ${subdomain}`);
    return account;
  }

  /** An authorization code as amoCRM's consent screen gives it: single use, valid ~20 minutes. */
  issueAuthCode(subdomain: string): string {
    this.account(subdomain);
    const code = `def50200${randomBytes(40).toString('hex')}`;
    this.codes.set(code, { subdomain, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** A long-lived token (a JWT-looking string), no refresh token. */
  issueLongLivedToken(subdomain: string): string {
    this.account(subdomain);
    const token = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ sub: subdomain, jti: randomUUID() })}.${randomBytes(32).toString('base64url')}`;
    this.longLived.set(token, subdomain);
    return token;
  }

  /** Every access token of the account expires now (401 from then on). */
  expireAccessTokens(subdomain: string): void {
    for (const state of this.accessTokens.values()) if (state.subdomain === subdomain) state.expiresAt = 0;
  }

  /** Every refresh token of the account is revoked (the user removed the integration's access). */
  revokeRefreshTokens(subdomain: string): void {
    for (const state of this.refreshTokens.values()) if (state.subdomain === subdomain) state.used = true;
  }

  revokeLongLivedTokens(subdomain: string): void {
    for (const [token, sub] of this.longLived) if (sub === subdomain) this.longLived.delete(token);
  }

  /** Every API request of the account answers 429 for `ms`. */
  throttle(subdomain: string, ms: number): void {
    this.account(subdomain).throttledUntil = Date.now() + ms;
  }

  /** Token calls of a grant type that amoCRM carried out (a new pair issued). */
  grants(subdomain: string, grantType: 'authorization_code' | 'refresh_token'): number {
    return this.callsOf('oauth2/access_token', (c) => c.status === 200 && c.pathParams.sub === subdomain && c.params.grant_type === grantType).length;
  }

  /** API calls of the account by route name (e.g. 'POST /api/v4/leads/complex'). */
  apiCalls(subdomain: string, name: string): number {
    return this.callsOf(name, (c) => c.pathParams.sub === subdomain).length;
  }

  // --------------------------------------------------------------------------------------------------------------
  // OAuth

  private token(req: FakeRequest): FakeReply {
    const account = this.accounts.get(req.pathParams.sub);
    if (!account) return problem(404, 'Not found', 'Account not found');
    const p = req.params;
    if (p.client_id !== account.clientId || p.client_secret !== account.clientSecret) return problem(401, 'Unauthorized', 'Client authentication failed', { hint: 'invalid_client' });
    if (p.redirect_uri !== account.redirectUri) return problem(400, 'Bad Request', 'Redirect URI mismatch', { hint: 'invalid_request' });
    if (p.grant_type === 'authorization_code') {
      const code = this.codes.get(String(p.code));
      if (!code || code.used || code.subdomain !== account.subdomain || code.expiresAt < Date.now()) {
        return problem(400, 'Bad Request', 'Authorization code has expired', { hint: 'invalid_grant' });
      }
      code.used = true;
      return { headers: { 'content-type': 'application/json' }, json: this.issuePair(account.subdomain) };
    }
    if (p.grant_type === 'refresh_token') {
      const refresh = this.refreshTokens.get(String(p.refresh_token));
      if (!refresh || refresh.used || refresh.subdomain !== account.subdomain) {
        return problem(400, 'Bad Request', 'Token has been revoked', { hint: 'Cannot decrypt the refresh token' });
      }
      refresh.used = true;
      return { headers: { 'content-type': 'application/json' }, json: this.issuePair(account.subdomain) };
    }
    return problem(400, 'Bad Request', 'The authorization grant type is not supported', { hint: 'unsupported_grant_type' });
  }

  private issuePair(subdomain: string) {
    const access = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ sub: subdomain, jti: randomUUID() })}.${randomBytes(16).toString('base64url')}`;
    const refresh = `def502${randomBytes(48).toString('hex')}`;
    this.accessTokens.set(access, { subdomain, expiresAt: Date.now() + this.accessTokenTtlS * 1000 });
    this.refreshTokens.set(refresh, { subdomain, used: false });
    return { token_type: 'Bearer', expires_in: this.accessTokenTtlS, access_token: access, refresh_token: refresh, server_time: Math.floor(Date.now() / 1000) };
  }

  // --------------------------------------------------------------------------------------------------------------
  // The API: auth, 7 req/s, 429

  private api(method: string, path: string, handler: (account: FakeAmocrmAccount, req: FakeRequest) => FakeReply): void {
    this.route(method, `/:sub${path}`, (req) => this.guarded(req, handler), { name: `${method} ${path}` });
  }

  private guarded(req: FakeRequest, handler: (account: FakeAmocrmAccount, req: FakeRequest) => FakeReply): FakeReply {
    const account = this.accounts.get(req.pathParams.sub);
    if (!account) return problem(404, 'Not found', 'Account not found');
    const now = Date.now();
    while (account.recent.length > 0 && account.recent[0] <= now - 1000) account.recent.shift();
    if (account.throttledUntil > now || (this.perSecond > 0 && account.recent.length >= this.perSecond)) {
      // amoCRM's 429 body is not always JSON (the official PHP library special-cases it).
      return { status: 429, headers: { 'content-type': 'text/html' }, text: '<html><body>Too Many Requests</body></html>' };
    }
    account.recent.push(now);
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const oauth = auth ? this.accessTokens.get(auth) : undefined;
    const valid = (oauth && oauth.subdomain === account.subdomain && oauth.expiresAt > now) || (auth && this.longLived.get(auth) === account.subdomain);
    if (!valid) return problem(401, 'Unauthorized', 'Invalid user name or password');
    return handler(account, req);
  }

  private body(req: FakeRequest): unknown[] | null {
    try {
      const parsed = JSON.parse(req.rawBody.toString('utf8')) as unknown;
      return Array.isArray(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  private pipelinesBody(account: FakeAmocrmAccount) {
    return {
      _total_items: account.pipelines.length,
      _embedded: {
        pipelines: account.pipelines.map((p, i) => ({
          id: p.id,
          name: p.name,
          sort: (i + 1) * 10,
          is_main: p.is_main,
          is_unsorted_on: true,
          is_archive: p.is_archive,
          account_id: account.id,
          _embedded: { statuses: p.statuses.map((s) => ({ ...s, is_editable: s.type === 0 && s.id !== 142 && s.id !== 143, pipeline_id: p.id, color: '#99ccff', account_id: account.id })) },
        })),
      },
    };
  }

  // --------------------------------------------------------------------------------------------------------------
  // Contacts

  private searchContacts(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const query = (req.query.get('query') ?? '').trim().toLowerCase();
    const queryDigits = digits(query);
    const found = [...account.contacts.values()].filter((c) => {
      if (!query) return true;
      if (c.name.toLowerCase().includes(query)) return true;
      const phones = c.custom_fields_values.filter((f) => f.field_code === 'PHONE').flatMap((f) => f.values.map((v) => digits(v.value)));
      return queryDigits.length >= 5 && phones.some((p) => p.includes(queryDigits));
    });
    if (found.length === 0) return { status: 204, body: Buffer.alloc(0) };
    return hal({ _page: 1, _embedded: { contacts: found.map((c) => ({ id: c.id, name: c.name, custom_fields_values: c.custom_fields_values })) } });
  }

  private addContacts(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const items = this.body(req);
    if (!items) return validation([{ index: 0, path: '', detail: 'body must be an array' }]);
    const created = items.map((item, index) => ({ id: this.createContact(account, item as Record<string, unknown>), request_id: String(index) }));
    return hal({ _embedded: { contacts: created } });
  }

  private createContact(account: FakeAmocrmAccount, item: Record<string, unknown>): number {
    const id = account.id_();
    account.contacts.set(id, {
      id,
      name: String(item.name ?? item.first_name ?? ''),
      ...(item.first_name ? { first_name: String(item.first_name) } : {}),
      custom_fields_values: (item.custom_fields_values as FakeAmocrmCustomField[] | undefined) ?? [],
    });
    return id;
  }

  // --------------------------------------------------------------------------------------------------------------
  // Leads

  private complex(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const items = this.body(req) as Array<Record<string, any>> | null;
    if (!items || items.length === 0 || items.length > 50) return validation([{ index: 0, path: '', detail: 'body must be an array of 1–50 leads' }]);
    const errors = items.flatMap((item, index) => this.leadProblems(account, item, index));
    if (errors.length > 0) return validation(errors);
    const main = account.pipelines.find((p) => p.is_main)!;
    const answer = items.map((item, index) => {
      const contact = (item._embedded?.contacts ?? [])[0] as Record<string, unknown> | undefined;
      const contactId = contact ? (typeof contact.id === 'number' ? contact.id : this.createContact(account, contact)) : null;
      const pipelineId = typeof item.pipeline_id === 'number' ? item.pipeline_id : main.id;
      const pipeline = account.pipelines.find((p) => p.id === pipelineId)!;
      const statusId = typeof item.status_id === 'number' ? item.status_id : pipeline.statuses.find((s) => s.type === 0)!.id;
      const id = account.id_();
      account.leads.set(id, {
        id,
        name: String(item.name ?? ''),
        pipeline_id: pipelineId,
        status_id: statusId,
        contactIds: contactId ? [contactId] : [],
        tags: ((item._embedded?.tags ?? []) as Array<{ name: string }>).map((t) => t.name),
        custom_fields_values: (item.custom_fields_values as FakeAmocrmCustomField[] | undefined) ?? [],
      });
      return { id, contact_id: contactId, company_id: null, request_id: [String(item.request_id ?? index)], merged: false };
    });
    return hal(answer);
  }

  private leadProblems(account: FakeAmocrmAccount, item: Record<string, any>, index: number): Array<{ index: number; path: string; detail: string }> {
    const problems: Array<{ index: number; path: string; detail: string }> = [];
    if (typeof item.name !== 'string' || item.name.length === 0) problems.push({ index, path: 'name', detail: 'This value should not be blank.' });
    else if (item.name.length > 255) problems.push({ index, path: 'name', detail: 'This value is too long.' });
    const pipeline = item.pipeline_id === undefined ? account.pipelines.find((p) => p.is_main) : account.pipelines.find((p) => p.id === item.pipeline_id);
    if (!pipeline) problems.push({ index, path: 'pipeline_id', detail: 'The value you selected is not a valid choice.' });
    else if (item.status_id !== undefined && !pipeline.statuses.some((s) => s.id === item.status_id)) {
      problems.push({ index, path: 'status_id', detail: 'The value you selected is not a valid choice.' });
    }
    const contacts = (item._embedded?.contacts ?? []) as Array<Record<string, unknown>>;
    if (contacts.length > 1) problems.push({ index, path: '_embedded.contacts', detail: 'Only one contact allowed.' });
    if (contacts[0] && typeof contacts[0].id === 'number' && !account.contacts.has(contacts[0].id)) {
      problems.push({ index, path: '_embedded.contacts.0.id', detail: 'Contact not found.' });
    }
    return problems;
  }

  /** `query` over the lead's name and custom field values (what amoCRM's full-text search covers). */
  private searchLeads(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const query = (req.query.get('query') ?? '').trim().toLowerCase();
    const withContacts = (req.query.get('with') ?? '').split(',').includes('contacts');
    const found = [...account.leads.values()].filter(
      (l) => !query || l.name.toLowerCase().includes(query) || l.custom_fields_values.some((f) => f.values.some((v) => String(v.value).toLowerCase().includes(query))),
    );
    if (found.length === 0) return { status: 204, body: Buffer.alloc(0) };
    return hal({
      _page: 1,
      _embedded: {
        leads: found.map((l) => ({
          id: l.id,
          name: l.name,
          pipeline_id: l.pipeline_id,
          status_id: l.status_id,
          ...(withContacts ? { _embedded: { contacts: l.contactIds.map((id, i) => ({ id, is_main: i === 0 })) } } : {}),
        })),
      },
    });
  }

  // --------------------------------------------------------------------------------------------------------------
  // Notes

  private addNotes(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const items = this.body(req) as Array<Record<string, any>> | null;
    if (!items || items.length === 0) return validation([{ index: 0, path: '', detail: 'body must be a non-empty array' }]);
    const errors = items.flatMap((item, index) => {
      if (!account.leads.has(item.entity_id)) return [{ index, path: 'entity_id', detail: 'Entity not found.' }];
      if (item.note_type !== 'common') return [{ index, path: 'note_type', detail: 'The value you selected is not a valid choice.' }];
      if (typeof item.params?.text !== 'string' || item.params.text === '') return [{ index, path: 'params.text', detail: 'This value should not be blank.' }];
      return [];
    });
    if (errors.length > 0) return validation(errors);
    const notes = items.map((item, index) => {
      const id = account.id_();
      account.notes.set(id, { id, entity_id: item.entity_id, note_type: item.note_type, text: item.params.text });
      return { id, entity_id: item.entity_id, request_id: String(index) };
    });
    return hal({ _embedded: { notes } });
  }

  private leadNotes(account: FakeAmocrmAccount, req: FakeRequest): FakeReply {
    const leadId = Number(req.pathParams.id);
    if (!account.leads.has(leadId)) return problem(404, 'Not Found', 'Entity not found');
    const type = req.query.get('filter[note_type]');
    const notes = account.notesOf(leadId).filter((n) => !type || n.note_type === type);
    if (notes.length === 0) return { status: 204, body: Buffer.alloc(0) };
    return hal({ _page: 1, _embedded: { notes: notes.map((n) => ({ id: n.id, entity_id: n.entity_id, note_type: n.note_type, params: { text: n.text } })) } });
  }
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
