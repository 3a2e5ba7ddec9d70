import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';

function flatten(errors: ValidationError[], prefix = ''): Array<{ path: string; constraints: string[] }> {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Whitelist validation like the api's: unknown fields rejected; errors → 400 VALIDATION_FAILED with details. */
export function widgetValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.VALIDATION_FAILED, {}, flatten(errors)),
  });
}
