import {
  ContractViolationCode,
  ContractViolationError,
  createDlqRecord,
  decodeDlqRecord,
  decodeEnvelope,
  dlqPayloadBytes,
  DlqRecord,
  encodeDlqRecord,
  InboundMessageData,
} from './index';

function caught(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ContractViolationError);
    return err as ContractViolationError;
  }
  throw new Error('expected a ContractViolationError');
}

describe('DLQ records', () => {
  it('keeps a UTF-8 value as text and round-trips through encode/decode', () => {
    const value = Buffer.from('{"id":"x","type":"message.inbound"}', 'utf8');
    const err = caught(() => decodeEnvelope(value, InboundMessageData));
    const rec = createDlqRecord({
      originalTopic: 't1.channels.inbound.v1',
      partition: 4,
      offset: '9007199254740993',
      key: Buffer.from('chan:chat'),
      value,
      headers: { 'x-correlation-id': Buffer.from('corr-1'), 'x-event-type': 'message.inbound' },
      error: err,
      attempts: 3,
      failedAt: new Date('2026-03-01T00:00:00.000Z'),
    });
    expect(rec.payloadEncoding).toBe('utf8');
    expect(rec.payload).toBe(value.toString('utf8'));
    expect(rec.key).toBe('chan:chat');
    expect(rec.error.name).toBe('ContractViolationError');
    expect(rec.error.code).toBe('SCHEMA_INVALID');
    expect(rec.error.details?.length).toBeGreaterThan(0);

    const decoded = decodeDlqRecord(encodeDlqRecord(rec));
    expect(decoded).toBeInstanceOf(DlqRecord);
    expect(decoded).toEqual(rec);
    expect(decoded.offset).toBe('9007199254740993');
    expect(decoded.headers).toEqual({ 'x-correlation-id': 'corr-1', 'x-event-type': 'message.inbound' });
    expect(dlqPayloadBytes(decoded)?.equals(value)).toBe(true);
  });

  it('keeps a non-UTF-8 value byte-exact as base64', () => {
    const value = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    const rec = createDlqRecord({
      originalTopic: 'channels.status.v1',
      partition: 0,
      offset: 12,
      value,
      error: new Error('boom'),
      attempts: 1,
    });
    expect(rec.payloadEncoding).toBe('base64');
    expect(rec.payload).toBe(value.toString('base64'));
    expect(rec.key).toBeNull();
    const back = decodeDlqRecord(encodeDlqRecord(rec));
    expect(dlqPayloadBytes(back)?.equals(value)).toBe(true);
    expect(back.error).toEqual({ name: 'Error', message: 'boom' });
  });

  it('keeps error codes of non-contract errors and handles thrown non-Errors', () => {
    const pgErr = Object.assign(new Error('duplicate key'), { name: 'QueryFailedError', code: '23505' });
    const rec = createDlqRecord({ originalTopic: 'a', partition: 0, offset: '1', value: 'x', error: pgErr, attempts: 5 });
    expect(rec.error).toEqual({ name: 'QueryFailedError', message: 'duplicate key', code: '23505' });
    const rec2 = createDlqRecord({ originalTopic: 'a', partition: 0, offset: '1', value: null, error: { weird: 1 }, attempts: 1 });
    expect(rec2.error).toEqual({ name: 'NonError', message: '{"weird":1}' });
    expect(rec2.payload).toBeNull();
    expect(dlqPayloadBytes(rec2)).toBeNull();
  });

  it('rejects invalid DLQ records with paths', () => {
    const good = createDlqRecord({ originalTopic: 'a', partition: 0, offset: '1', value: 'x', error: new Error('e'), attempts: 1 });
    const bad = { ...good, partition: -1, offset: '-3', attempts: -1, payloadEncoding: 'hex', error: { message: 'm' }, extra: true };
    const err = caught(() => decodeDlqRecord(Buffer.from(JSON.stringify(bad))));
    expect(err.code).toBe(ContractViolationCode.SchemaInvalid);
    expect(err.details.map((d) => d.path).sort()).toEqual([
      'attempts',
      'error.name',
      'extra',
      'offset',
      'partition',
      'payloadEncoding',
    ]);
    expect(caught(() => decodeDlqRecord(null)).code).toBe(ContractViolationCode.EmptyValue);
    expect(caught(() => decodeDlqRecord(Buffer.from('{'))).code).toBe(ContractViolationCode.InvalidJson);
    expect(caught(() => encodeDlqRecord({ ...good, attempts: -1 } as DlqRecord)).code).toBe(ContractViolationCode.SchemaInvalid);
    // A value that could not be decoded is dead-lettered without a handler attempt.
    expect(() => encodeDlqRecord({ ...good, attempts: 0 } as DlqRecord)).not.toThrow();
  });
});
