import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { ConfigValidationError } from './config-validation.error';

type ConfigClass<T> = new () => T;

/**
 * Builds a typed, validated config object from the environment. Only the properties the class declares are read
 * (the environment holds plenty of unrelated variables); empty strings count as unset so defaults apply.
 * Throws ConfigValidationError naming each variable that is missing or malformed.
 */
export function loadConfig<T extends object>(cls: ConfigClass<T>, env: NodeJS.ProcessEnv = process.env, app = cls.name): T {
  const declared = declaredVariables(cls);
  const plain: Record<string, string> = {};
  for (const name of declared) {
    const value = env[name];
    if (value !== undefined && value !== '') plain[name] = value;
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true, enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(app, errors.map(toProblem));
  }
  return instance;
}

/** Every variable the class declares (through class-validator decorators). */
export function declaredVariables(cls: ConfigClass<object>): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))].sort();
}

/** Variables that must be present: declared, not @IsOptional, and without a default value on the class. */
export function requiredVariables(cls: ConfigClass<object>): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const optional = new Set(metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  const defaults = new cls() as Record<string, unknown>;
  return declaredVariables(cls).filter((name) => !optional.has(name) && defaults[name] === undefined);
}

function toProblem(error: ValidationError): { variable: string; problems: string[] } {
  return {
    variable: error.property,
    problems: Object.values(error.constraints ?? { invalid: 'invalid value' }),
  };
}
