import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';

export interface FieldProblem {
  path: string;
  constraints: string[];
}

export function flattenErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...flattenErrors(e.children ?? [], path)];
  });
}

/** Whitelist validation: unknown fields are rejected, values transformed to the DTO types; errors → VALIDATION_FAILED. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.VALIDATION_FAILED, {}, flattenErrors(errors)),
  });
}
