import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { edgeFailureOf } from './failure-code';

describe('edgeFailureOf (the code every HTTP edge answers a failure with)', () => {
  it('keeps a domain error as it is: code, params, details', () => {
    const err = new DomainError(ErrorCode.CHANNEL_NOT_FOUND, { id: 'x' }, [{ path: 'id', constraints: ['unknown'] }]);
    expect(edgeFailureOf(err)).toEqual({ code: ErrorCode.CHANNEL_NOT_FOUND, params: { id: 'x' }, details: [{ path: 'id', constraints: ['unknown'] }] });
  });

  it('maps framework errors by status, and says so when the body is not JSON', () => {
    expect(edgeFailureOf(new NotFoundException()).code).toBe(ErrorCode.NOT_FOUND);
    expect(edgeFailureOf(new PayloadTooLargeException()).code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(edgeFailureOf(new BadRequestException())).toEqual({ code: ErrorCode.VALIDATION_FAILED, params: {} });
    const parse = Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' });
    expect(edgeFailureOf(parse)).toEqual({ code: ErrorCode.VALIDATION_FAILED, params: {}, details: [{ path: '', constraints: ['body is not valid JSON'] }] });
  });

  it('tells an outage of our Postgres or Kafka, or a passing database condition (retry later), from a bug', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = Object.assign(new Error('query failed'), { driverError: { code: '57P01', message: 'terminating connection due to administrator command' } });
    const kafka = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });
    const readOnly = Object.assign(new Error('query failed'), { driverError: { code: '25006', message: 'cannot execute INSERT in a read-only transaction' } });
    const deadlock = Object.assign(new Error('query failed'), { driverError: { code: '40P01', message: 'deadlock detected' } });
    for (const err of [refused, terminated, kafka, readOnly, deadlock]) expect(edgeFailureOf(err).code).toBe(ErrorCode.DEPENDENCY_UNAVAILABLE);
    const missingTable = Object.assign(new Error('relation "funnels" does not exist'), { driverError: { code: '42P01' } });
    for (const err of [new TypeError('x is undefined'), missingTable, 'a string']) expect(edgeFailureOf(err).code).toBe(ErrorCode.INTERNAL);
  });
});
