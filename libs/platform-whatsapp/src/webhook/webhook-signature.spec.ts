import { createHmac } from 'node:crypto';
import { answerVerifyHandshake, checkWhatsappSignature, signWhatsappBody } from './webhook-signature';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('X-Hub-Signature-256', () => {
  // Unicode as Meta sends it: the signature is over these raw bytes, not over re-serialized JSON.
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"text":"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442"}}]}]}');

  it('accepts the HMAC-SHA256 of the raw bytes with the app secret (hex either case)', () => {
    const hex = createHmac('sha256', SECRET).update(raw).digest('hex');
    expect(signWhatsappBody(raw, SECRET)).toBe(`sha256=${hex}`);
    expect(checkWhatsappSignature(raw, `sha256=${hex}`, SECRET)).toBe('valid');
    expect(checkWhatsappSignature(raw, `sha256=${hex.toUpperCase()}`, SECRET)).toBe('valid');
  });

  it('missing header → missing (401); anything else wrong → mismatch (403)', () => {
    expect(checkWhatsappSignature(raw, undefined, SECRET)).toBe('missing');
    expect(checkWhatsappSignature(raw, '', SECRET)).toBe('missing');
    expect(checkWhatsappSignature(raw, signWhatsappBody(raw, 'ffffffffffffffffffffffffffffffff'), SECRET)).toBe('mismatch');
    expect(checkWhatsappSignature(raw, 'sha1=abc', SECRET)).toBe('mismatch');
    expect(checkWhatsappSignature(raw, `sha256=${'0'.repeat(63)}`, SECRET)).toBe('mismatch');
  });

  it('the same JSON re-serialized (unescaped unicode) does not match the original signature', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(reserialized.equals(raw)).toBe(false);
    expect(checkWhatsappSignature(reserialized, signWhatsappBody(raw, SECRET), SECRET)).toBe('mismatch');
  });
});

describe('GET verify handshake', () => {
  const query = (q: Record<string, string>) => q;

  it('right token and mode subscribe → 200 with the raw challenge', () => {
    expect(answerVerifyHandshake(query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-123', 'hub.challenge': '1158201444' }), 'tok-123')).toEqual({ status: 200, body: '1158201444' });
  });

  it.each([
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }],
    [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok-123', 'hub.challenge': '1' }],
    [{ 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok-123' }],
  ])('anything else → 403 (%j)', (q) => {
    expect(answerVerifyHandshake(q, 'tok-123').status).toBe(403);
  });

  it('an empty configured token never verifies', () => {
    expect(answerVerifyHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, '').status).toBe(403);
  });
});
