import { normalizePhone } from './normalize-phone';
import { normalizeUsername } from './normalize-username';

describe('normalizePhone (E.164, default region RU)', () => {
  it.each([
    '89001234567',
    '79001234567',
    '+79001234567',
    '8 (900) 123-45-67',
    '+7 (900) 123-45-67',
    '7-900-123-45-67',
    '+7 900 123 45 67',
    '9001234567',
    '  8 900 123 45 67  ',
  ])('%j is +79001234567', (raw) => {
    expect(normalizePhone(raw)).toBe('+79001234567');
  });

  it.each([
    ['84951234567', '+74951234567'],
    ['8 800 555 35 35', '+78005553535'],
    ['+380501234567', '+380501234567'],
    ['380501234567', '+380501234567'], // WhatsApp wa_id: international without '+'
    ['+1 650 253 0000', '+16502530000'],
    ['16502530000', '+16502530000'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('%j is %j', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each([null, undefined, '', '   ', 'abc', '12', '+', 'call me', '1'.repeat(80)])('%j is not a phone', (raw) => {
    expect(normalizePhone(raw as string | null | undefined)).toBeNull();
  });
});

describe('normalizeUsername', () => {
  it.each([
    ['Ivan_P', 'ivan_p'],
    ['@Ivan_P', 'ivan_p'],
    ['  @@ivan  ', 'ivan'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeUsername(raw)).toBe(expected);
  });

  it.each([null, undefined, '', '@', '  '])('%j → null', (raw) => {
    expect(normalizeUsername(raw as string | null | undefined)).toBeNull();
  });
});
