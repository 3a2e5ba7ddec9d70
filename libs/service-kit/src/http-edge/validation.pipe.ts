import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';

/** One invalid field of a request body: its dotted path and what it broke (the `details` of VALIDATION_FAILED). */
export interface FieldProblem {
  path: string;
  constraints: string[];
}

/** class-validator's error tree as a flat list, nested properties as dotted paths (`stages.0.name`). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], path)];
  });
}

/**
 * The validation of every public HTTP body (DESIGN §8): whitelist — unknown fields rejected, values transformed to
 * the DTO types without implicit conversion; the problems → DomainError VALIDATION_FAILED with them as details.
 */
export function whitelistValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.VALIDATION_FAILED, {}, flattenValidationErrors(errors)),
  });
}
