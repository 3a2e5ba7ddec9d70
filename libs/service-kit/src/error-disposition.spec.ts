import { DomainError, ErrorCode } from '@crm/domain';
import { classifyConsumerError } from './error-disposition';

describe('classifyConsumerError', () => {
  it.each([
    ['a terminated backend (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a database refusing connections (ALLOW_CONNECTIONS false, 55000)', Object.assign(new Error('database "crm" is not currently accepting connections'), { code: '55000' })],
    ['a refused TCP connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('%s pauses consumption (infrastructure)', (_name, err) => {
    expect(classifyConsumerError(err)).toBe('infrastructure');
  });

  it('a domain error is dead-lettered at once; anything else is retried', () => {
    expect(classifyConsumerError(new DomainError(ErrorCode.CHANNEL_NOT_FOUND))).toBe('dead-letter');
    expect(classifyConsumerError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('retry');
    expect(classifyConsumerError(Object.assign(new Error('object not in prerequisite state'), { code: '55000' }))).toBe('retry');
  });
});
