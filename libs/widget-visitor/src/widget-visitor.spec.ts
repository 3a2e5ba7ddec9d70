import { sign } from 'jsonwebtoken';
import {
  cleanProfile,
  decodeCursor,
  encodeCursor,
  isOriginAllowed,
  missingPreChatFields,
  normalizeOrigin,
  profileProblems,
  RateLimiter,
  readWidgetSettings,
  VisitorTokens,
} from './index';

describe('origin policy', () => {
  it('normalizes origins: case, default ports, paths', () => {
    expect(normalizeOrigin('HTTPS://Shop.Example:443/some/page?x=1')).toBe('https://shop.example');
    expect(normalizeOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeOrigin('null')).toBeNull();
    expect(normalizeOrigin('file:///etc/passwd')).toBeNull();
    expect(normalizeOrigin(undefined)).toBeNull();
  });

  it.each([
    ['https://shop.example', ['https://shop.example'], true],
    ['https://SHOP.example', ['https://shop.example/'], true],
    ['https://shop.example:443', ['https://shop.example'], true],
    ['http://shop.example', ['https://shop.example'], false],
    ['https://shop.example:8443', ['https://shop.example'], false],
    ['https://shop.example.evil.com', ['https://shop.example'], false],
    ['https://evilshop.example', ['https://*.shop.example'], false],
    ['https://a.b.shop.example', ['https://*.shop.example'], true],
    ['https://shop.example', ['https://*.shop.example'], false],
    ['http://shop.example', ['shop.example'], true],
    ['http://localhost:8080', ['http://localhost:8080'], true],
    ['http://localhost:3000', ['http://localhost:8080'], false],
    ['https://anything.example', ['*'], true],
    ['https://shop.example', [], false],
    ['https://shop.example', [42, null, 'not a url ::'], false],
    [undefined, ['*'], false],
    ['null', ['*'], false],
  ])('%s with %j → %s', (origin, allowed, expected) => {
    expect(isOriginAllowed(origin as string | undefined, allowed as unknown[])).toBe(expected);
  });
});

describe('visitor tokens', () => {
  const key = Buffer.alloc(32, 1);
  const tokens = new VisitorTokens(key, 3600);
  const claims = { visitorId: 'v-1', channelId: 'c-1', accountId: 'a-1', profile: { name: 'Анна', phone: '+79123456789' } };

  it('round-trips the visitor, channel, account and profile', () => {
    const { token, expiresAt } = tokens.issue(claims, new Date());
    expect(tokens.verify(token)).toEqual(claims);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('rejects expired, foreign-key, tampered, alg-none and non-token values', () => {
    const expired = tokens.issue(claims, new Date(Date.now() - 7200_000)).token;
    expect(tokens.verify(expired)).toBeNull();
    const foreign = new VisitorTokens(Buffer.alloc(32, 2), 3600).issue(claims).token;
    expect(tokens.verify(foreign)).toBeNull();
    const { token } = tokens.issue(claims);
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), chn: 'c-2' })).toString('base64url');
    expect(tokens.verify(`${h}.${forged}.${s}`)).toBeNull();
    const none = sign({ sub: 'v-1', chn: 'c-1', acc: 'a-1', aud: 'crm-widget-visitor' }, '', { algorithm: 'none' });
    expect(tokens.verify(none)).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify(undefined)).toBeNull();
    expect(tokens.verify('x'.repeat(5000))).toBeNull();
  });

  it('is not the raw SECRETS_KEY used as an HMAC key (a derived sub-key signs)', () => {
    const raw = sign({ sub: 'v-1', chn: 'c-1', acc: 'a-1' }, key, { algorithm: 'HS256', audience: 'crm-widget-visitor' });
    expect(tokens.verify(raw)).toBeNull();
  });
});

describe('pre-chat profile', () => {
  const form = { fields: ['name' as const, 'phone' as const], required: ['phone' as const] };

  it('trims, drops empty values and fields the form does not ask for', () => {
    expect(cleanProfile({ name: '  Анна   Петровна ', phone: '', email: 'a@b.example' }, form)).toEqual({ name: 'Анна Петровна' });
    expect(cleanProfile({ email: 'a@b.example' }, null)).toEqual({ email: 'a@b.example' });
  });

  it('reports missing required fields and bad formats', () => {
    expect(missingPreChatFields({ name: 'Анна' }, form)).toEqual(['phone']);
    expect(missingPreChatFields({}, null)).toEqual([]);
    expect(profileProblems({ phone: '+7 (912) 345-67-89', email: 'anna@example.com' })).toEqual([]);
    expect(profileProblems({ phone: '12', email: 'nope', name: 'я'.repeat(201) }).map((p) => p.path)).toEqual(['profile.name', 'profile.phone', 'profile.email']);
  });
});

describe('widget settings', () => {
  it('reads the settings tolerantly with safe defaults', () => {
    expect(readWidgetSettings({ allowedOrigins: ['https://a.example', 5], title: ' Чат ', color: '#ABCDEF', preChat: { fields: ['phone', 'age'], required: ['phone', 'name'] } })).toEqual({
      allowedOrigins: ['https://a.example'],
      title: 'Чат',
      greeting: null,
      color: '#abcdef',
      preChat: { fields: ['phone'], required: ['phone'] },
    });
    expect(readWidgetSettings(null)).toEqual({ allowedOrigins: [], title: null, greeting: null, color: null, preChat: null });
    expect(readWidgetSettings({ color: 'red;background:url(x)' }).color).toBeNull();
    expect(readWidgetSettings({ preChat: { fields: [] } }).preChat).toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows a burst, refuses beyond it with a retry time, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 6, now: () => now });
    for (let i = 0; i < 6; i++) expect(limiter.take('ip').allowed).toBe(true);
    const refused = limiter.take('ip');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('other').allowed).toBe(true);
    now += 10_000;
    expect(limiter.take('ip').allowed).toBe(true);
    expect(limiter.take('ip').allowed).toBe(false);
  });

  it('keeps memory bounded by dropping the least recently used keys', () => {
    const limiter = new RateLimiter({ perMinute: 1, maxKeys: 3 });
    ['a', 'b', 'c'].forEach((k) => limiter.take(k));
    limiter.take('a');
    limiter.take('d');
    expect(limiter.size).toBe(3);
    // b was the least recently used: it starts over with a full bucket; a is still limited.
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });
});

describe('history cursor', () => {
  it('round-trips and rejects anything else', () => {
    const position = { createdAt: new Date('2026-01-31T12:00:00.123Z'), id: '0b6c1f5e-8a4e-4c1e-9f7a-2d3b4c5d6e7f' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor('nope')).toBeNull();
    expect(decodeCursor(Buffer.from('2026-01-31T12:00:00Z|not-a-uuid').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`garbage|${position.id}`).toString('base64url'))).toBeNull();
    expect(decodeCursor(undefined)).toBeNull();
  });
});
