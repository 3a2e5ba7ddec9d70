import { DomainError, ErrorCode } from '@crm/domain';
import { classifyConsumerError } from './error-disposition';

const pgError = (code: string, message = `pg error ${code}`) => Object.assign(new Error(message), { code });
/** TypeORM wraps driver errors in QueryFailedError with the pg error as driverError. */
const typeormError = (code: string) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: pgError(code) });

describe('classifyConsumerError', () => {
  it.each([
    ['a terminated backend (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a database refusing connections (ALLOW_CONNECTIONS false, 55000)', Object.assign(new Error('database "crm" is not currently accepting connections'), { code: '55000' })],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a refused TCP connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('%s pauses consumption (infrastructure)', (_name, err) => {
    expect(classifyConsumerError(err)).toBe('infrastructure');
  });

  it.each([
    ['40P01', 'deadlock detected'],
    ['40001', 'could not serialize access due to concurrent update'],
    ['57014', 'canceling statement due to statement timeout'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['55P03', 'could not obtain lock on row in relation "dialogs"'],
    ['53000', 'insufficient resources'],
    ['53100', 'could not extend file: No space left on device'],
    ['53200', 'out of memory'],
    ['53400', 'configuration limit exceeded'],
  ])('%s (%s) is transient: paused while the database probe fails, bounded while it passes', (code, message) => {
    expect(classifyConsumerError(pgError(code, message))).toBe('transient');
    expect(classifyConsumerError(typeormError(code))).toBe('transient');
  });

  it('a domain error is dead-lettered at once; anything else is retried', () => {
    expect(classifyConsumerError(new DomainError(ErrorCode.CHANNEL_NOT_FOUND))).toBe('dead-letter');
    expect(classifyConsumerError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('retry');
    expect(classifyConsumerError(Object.assign(new Error('object not in prerequisite state'), { code: '55000' }))).toBe('retry');
    expect(classifyConsumerError(typeormError('23503'))).toBe('retry');
    expect(classifyConsumerError(pgError('42P01', 'relation does not exist'))).toBe('retry');
  });
});
