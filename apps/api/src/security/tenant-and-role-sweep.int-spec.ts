import { CHANNEL_TYPES } from '@crm/contracts';
import { FakeBitrix24Server, FakeTelegramServer, freePort } from '@crm/testing';
import { SecretBox } from './secret-box';
import { ApiHarness, startApiHarness } from '../testing/api-test-harness';
import { accountRows, idsIn } from './sweep/account-rows';
import { operationsOf, type SweepDocument, type SweepOperation } from './sweep/openapi-operations';
import { routeAccessOf, type RouteAccess } from './sweep/route-metadata';
import { send, type SweepAnswer } from './sweep/sweep-client';
import { buildRequest, idOf, pathParamKinds, queryParamKind, type RequestIds, type SweepRequest } from './sweep/sweep-request';
import { seedTenant, type TenantEntities } from './sweep/tenant-seed';

// Every REST operation of the OpenAPI document the running app serves, swept for tenant isolation and roles. Nothing
// here lists routes: operations come from /api/docs-json, access rules from the @AdminOnly()/@Public() metadata the
// guard reads, ids from real rows of every kind in two accounts. A route added later is swept by itself; one the
// sweep cannot build a request for fails with its name (teach sweep/sweep-request.ts about it).
describe('tenant isolation and roles on every REST route', () => {
  let api: ApiHarness;
  let operations: SweepOperation[];
  let document: SweepDocument;
  let access: Map<string, RouteAccess>;
  let a: TenantEntities;
  let b: TenantEntities;
  let bIds: Set<string>;
  let telegram: FakeTelegramServer;
  let bitrix24: FakeBitrix24Server;

  beforeAll(async () => {
    // Telegram is the platform fake (attachments stream from it); the other platforms answer nothing (a closed port),
    // so a request that reaches them fails fast instead of leaving the machine.
    telegram = await FakeTelegramServer.start();
    bitrix24 = await FakeBitrix24Server.start();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    api = await startApiHarness({
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WHATSAPP_GRAPH_URL: nowhere,
      VK_API_URL: nowhere,
      AVITO_API_URL: nowhere,
      PLATFORM_VERIFY_TIMEOUT_MS: '1000',
      CRM_ALLOW_LOOPBACK_URLS: 'true',
    });
    document = (await api.request('GET', '/api/docs-json')).body as SweepDocument;
    operations = operationsOf(document);
    access = new Map(routeAccessOf(api.service.app).map((r) => [r.name, r]));
    const secrets = api.service.app.get(SecretBox);
    const bot = () => {
      const { token } = telegram.addBot();
      return { secretsEncrypted: secrets.encryptJson({ botToken: token }), fileId: telegram.addFile(token, 'jpeg bytes').file_id };
    };
    a = await seedTenant(api.dataSource, await api.createAccount('A'), bot());
    b = await seedTenant(api.dataSource, await api.createAccount('B'), bot());
    bIds = idsIn(await accountRows(api.dataSource, b.accountId));
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await telegram?.close();
    await bitrix24?.close();
  });

  const adminA = () => api.token(a.accountId, 'admin');
  const agentA = () => api.token(a.accountId, 'agent');

  /** Sends the request; a failure to send (or an answer the document does not describe) is a problem of the operation. */
  const call = async (op: SweepOperation, request: SweepRequest, token?: string, problems?: string[], headers?: Record<string, string>): Promise<SweepAnswer | undefined> => {
    try {
      return await send(api, op, request, token, headers);
    } catch (err) {
      problems?.push(`${op.name} (${request.method} ${request.path}): ${(err as Error).message}`);
      return undefined;
    }
  };
  /** A documented example's CRM webhook URL (a public portal) → the Bitrix24 fake's: no request leaves the machine. */
  const atTheFakes = (request: SweepRequest): SweepRequest => {
    const settings = (request.body as { settings?: { webhookUrl?: unknown } } | undefined)?.settings;
    if (settings && typeof settings.webhookUrl === 'string') settings.webhookUrl = bitrix24.addWebhook().url;
    return request;
  };
  /** `build` for one operation; an operation the sweep cannot construct becomes a problem with its name. */
  const build = (op: SweepOperation, ids: RequestIds, problems: string[]): SweepRequest | undefined => {
    try {
      return atTheFakes(buildRequest(document, op, ids));
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const changed = (before: Record<string, string[]>, after: Record<string, string[]>) =>
    Object.keys({ ...before, ...after }).filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t]));
  const leakedIds = (answer: SweepAnswer) => [...idsIn(answer.text)].filter((id) => bIds.has(id) && id !== a.accountId);

  it('the document and the controllers describe the same routes; every operation is swept', () => {
    const documented = new Set(operations.map((o) => o.name));
    const undocumented = [...access.values()].filter((r) => !r.isPublic && !documented.has(r.name)).map((r) => r.name);
    const unknown = operations.filter((o) => !access.has(o.name)).map((o) => o.name);
    // A guarded route missing from the document would escape this sweep; a documented one the app does not have is stale.
    expect({ undocumented, unknown }).toEqual({ undocumented: [], unknown: [] });
    expect(operations.length).toBe(Object.values(document.paths).flatMap((item) => Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))).length);
    expect(operations.length).toBeGreaterThanOrEqual(40);
  });

  it('without a token every non-public route answers 401 UNAUTHORIZED', async () => {
    const problems: string[] = [];
    const guarded = operations.filter((op) => !access.get(op.name)?.isPublic);
    for (const op of guarded) {
      const request = build(op, { tenant: a }, problems);
      const res = request && (await call(op, request, undefined, problems));
      if (res && (res.status !== 401 || (res.body as { code?: string }).code !== 'UNAUTHORIZED')) problems.push(`${op.name}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    // What the document tells clients agrees with the guard: an operation documented with a bearer token is guarded.
    const claimsBearer = operations.filter((op) => op.security.includes('bearer')).map((op) => op.name);
    expect(problems).toEqual([]);
    expect(guarded.map((op) => op.name)).toEqual(expect.arrayContaining(claimsBearer));
    expect(claimsBearer.length).toBeGreaterThan(0);
  });

  it("another account's ids in the path answer 404 with the ErrorBody on every route, and nothing of that account changes", async () => {
    const problems: string[] = [];
    const swept = operations.filter((op) => op.pathParams.length > 0);
    let requests = 0;
    for (const op of swept) {
      if (op.method === 'GET') await expectOwnerSees(op, problems);
      // An agent of A too, where agents may call the route at all.
      const callers = access.get(op.name)?.adminOnly ? [adminA] : [adminA, agentA];
      for (const [ids, caller] of foreignPathVariants(op).flatMap((v) => callers.map((c) => [v, c] as const))) {
        const request = build(op, ids, problems);
        if (!request) break;
        const before = await accountRows(api.dataSource, b.accountId);
        const ownBefore = await accountRows(api.dataSource, a.accountId);
        const res = await call(op, request, caller(), problems);
        requests++;
        const body = res?.body as { statusCode?: number; code?: string; message?: string } | undefined;
        if (res && (res.status !== 404 || body?.statusCode !== 404 || !body.code?.endsWith('NOT_FOUND') || typeof body.message !== 'string')) {
          problems.push(`${op.name} with ${request.path}: ${res.status} ${res.text.slice(0, 200)}`);
        }
        const touched = changed(before, await accountRows(api.dataSource, b.accountId));
        if (touched.length > 0) problems.push(`${op.name} with ${request.path} changed the other account's ${touched.join(', ')}`);
        const ownTouched = changed(ownBefore, await accountRows(api.dataSource, a.accountId));
        if (ownTouched.length > 0) problems.push(`${op.name} with ${request.path} answered ${res?.status} but changed the caller's ${ownTouched.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(swept.length);
  });

  /** The control: B's own admin reads the same ids — so the 404 above is about the account, not about the ids. */
  const expectOwnerSees = async (op: SweepOperation, problems: string[]) => {
    const request = build(op, { tenant: b }, problems);
    const res = request && (await call(op, request, api.token(b.accountId, 'admin'), problems));
    if (res && [401, 403, 404].includes(res.status)) problems.push(`${op.name}: the owner of the ids got ${res.status} ${res.text.slice(0, 200)} (the sweep's ids are not real)`);
  };

  /**
   * B's ids in every path parameter (each channel type for a channel); with several id parameters, A's ids with one of
   * them from B; with ids in the body, A's own path with B's ids in the body (merge A's client into B's, …).
   */
  const foreignPathVariants = (op: SweepOperation): RequestIds[] => {
    const kinds = pathParamKinds(op);
    const idParams = Object.entries(kinds).filter(([, kind]) => kind !== null);
    const byChannelType = Object.values(kinds).includes('channel') ? CHANNEL_TYPES : (['telegram'] as const);
    const variants: RequestIds[] = byChannelType.map((channelType) => ({ tenant: b, channelType }));
    if (idParams.length > 1) variants.push(...idParams.map(([name, kind]) => ({ tenant: a, overrides: { [name]: idOf(b, kind!) } })));
    if (op.bodySchema && bodyTakesIds(op)) variants.push({ tenant: a, bodyTenant: b });
    return variants;
  };

  it("routes without path parameters never show or change another account's rows, even given its ids in a body or filter", async () => {
    const problems: string[] = [];
    // B's ids as they are now (the owner's reads above wrote audit entries).
    bIds = idsIn(await accountRows(api.dataSource, b.accountId));
    const swept = operations.filter((op) => op.pathParams.length === 0);
    for (const op of swept) {
      for (const { ids, foreign } of ownAndForeignInputs(op)) {
        const request = build(op, ids, problems);
        if (!request) break;
        const before = await accountRows(api.dataSource, b.accountId);
        const res = await call(op, request, adminA(), problems, op.streaming ? { 'Last-Event-ID': '0' } : undefined);
        if (!res) continue;
        const what = `${op.name} with ${request.path}${request.body ? ` ${JSON.stringify(request.body)}` : ''}`;
        if (res.status >= 500 || res.status === 401 || res.status === 403) problems.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
        if (foreign && op.bodySchema && res.status !== 404) problems.push(`${what}: another account's id in the body answered ${res.status}, not 404`);
        const leaked = leakedIds(res);
        if (leaked.length > 0) problems.push(`${what} answered ids of the other account: ${leaked.join(', ')}`);
        const touched = changed(before, await accountRows(api.dataSource, b.accountId));
        if (touched.length > 0) problems.push(`${what} changed the other account's ${touched.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    // Together with the path-parameter sweep: every operation of the document had its tenant check.
    expect(swept.length + operations.filter((op) => op.pathParams.length > 0).length).toBe(operations.length);
  });

  /** The route with A's own ids; then, when its body or filters take ids, with B's ids there. */
  const ownAndForeignInputs = (op: SweepOperation): Array<{ ids: RequestIds; foreign: boolean }> => {
    const inputs = [{ ids: { tenant: a } as RequestIds, foreign: false }];
    for (const name of op.idQueryParams) inputs.push({ ids: { tenant: a, query: { [name]: idOf(b, queryParamKind(op, name)) } }, foreign: true });
    if (op.bodySchema && bodyTakesIds(op)) inputs.push({ ids: { tenant: b }, foreign: true });
    return inputs;
  };
  const bodyTakesIds = (op: SweepOperation) => {
    const own = JSON.stringify(buildRequest(document, op, { tenant: a }).body);
    return [...idsIn(own)].length > 0;
  };

  it('an agent gets 403 FORBIDDEN on every @AdminOnly() route and nothing changes; no other route refuses an agent', async () => {
    const problems: string[] = [];
    const adminOnly = operations.filter((op) => access.get(op.name)?.adminOnly);
    const others = operations.filter((op) => !access.get(op.name)?.adminOnly);
    for (const op of adminOnly) {
      const request = build(op, { tenant: a }, problems);
      if (!request) continue;
      const before = await accountRows(api.dataSource, a.accountId);
      const res = await call(op, request, agentA(), problems);
      if (res && (res.status !== 403 || (res.body as { code?: string }).code !== 'FORBIDDEN')) problems.push(`${op.name} (admin only) as agent: ${res.status} ${res.text.slice(0, 200)}`);
      const touched = changed(before, await accountRows(api.dataSource, a.accountId));
      if (touched.length > 0) problems.push(`${op.name} (admin only) as agent changed ${touched.join(', ')}`);
    }
    // The metadata cannot silently drift: a route that answers 403 to an agent without @AdminOnly() is found here.
    for (const op of others) {
      const request = build(op, { tenant: a }, problems);
      const res = request && (await call(op, request, agentA(), problems));
      if (res && [401, 403].includes(res.status)) problems.push(`${op.name} (not admin only) refused an agent: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(adminOnly.length).toBeGreaterThan(0);
    expect(adminOnly.length + others.length).toBe(operations.length);
  });
});
