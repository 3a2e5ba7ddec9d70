import { createHmac } from 'node:crypto';
import { hmacSha256Matches, secretsEqual } from './secret-compare';

describe('secretsEqual', () => {
  it('matches only the exact secret', () => {
    expect(secretsEqual('S3cret_-x', 'S3cret_-x')).toBe(true);
    expect(secretsEqual('S3cret_-x', 'S3cret_-y')).toBe(false);
    expect(secretsEqual('S3cret_-x', 'S3cret_-')).toBe(false);
  });

  it('never matches a missing, repeated or over-long value, or an empty expected secret', () => {
    expect(secretsEqual('abc', undefined)).toBe(false);
    expect(secretsEqual('abc', ['abc', 'abc'])).toBe(false);
    expect(secretsEqual('abc', '')).toBe(false);
    expect(secretsEqual('a'.repeat(2000), 'a'.repeat(2000))).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
    expect(secretsEqual(null, 'x')).toBe(false);
  });
});

describe('hmacSha256Matches', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","text":"\\u043f\\u0440\\u0438"}');
  const sig = createHmac('sha256', 'app-secret').update(body).digest('hex');

  it('accepts the HMAC of the raw bytes with the prefix, in either hex case', () => {
    expect(hmacSha256Matches('app-secret', body, `sha256=${sig}`, { prefix: 'sha256=' })).toBe(true);
    expect(hmacSha256Matches('app-secret', body, `sha256=${sig.toUpperCase()}`, { prefix: 'sha256=' })).toBe(true);
  });

  it('rejects another secret, a re-serialized body, a missing prefix or header', () => {
    expect(hmacSha256Matches('other', body, `sha256=${sig}`, { prefix: 'sha256=' })).toBe(false);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(hmacSha256Matches('app-secret', reserialized, `sha256=${sig}`, { prefix: 'sha256=' })).toBe(false);
    expect(hmacSha256Matches('app-secret', body, sig, { prefix: 'sha256=' })).toBe(false);
    expect(hmacSha256Matches('app-secret', body, undefined, { prefix: 'sha256=' })).toBe(false);
  });
});
