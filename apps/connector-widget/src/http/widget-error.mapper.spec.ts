import { BadRequestException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { widgetErrorBody } from './widget-error.mapper';

describe('widgetErrorBody', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE when our database or Kafka cannot be reached, so the script retries', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    for (const err of [refused, shuttingDown]) {
      expect(widgetErrorBody(err, 'en').body).toMatchObject({ statusCode: 503, code: ErrorCode.DEPENDENCY_UNAVAILABLE });
    }
  });

  it('keeps 500 INTERNAL for a bug, the status of framework errors and the code of domain errors', () => {
    expect(widgetErrorBody(new TypeError('x is undefined'), 'en').body).toMatchObject({ statusCode: 500, code: ErrorCode.INTERNAL });
    expect(widgetErrorBody(new BadRequestException(), 'en').body).toMatchObject({ statusCode: 400, code: ErrorCode.VALIDATION_FAILED });
    const limited = widgetErrorBody(new DomainError(ErrorCode.RATE_LIMITED, {}, { retryAfterSeconds: 7 }), 'ru');
    expect(limited).toMatchObject({ body: { statusCode: 429, code: ErrorCode.RATE_LIMITED }, retryAfterSeconds: 7 });
  });
});
