import 'reflect-metadata';
import {
  isISO8601,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { installValidationMetadataCache } from './validation-metadata-cache';

installValidationMetadataCache();

// Custom class-validator decorators shared by the contract classes.

/**
 * Optional property, strictly: it may be absent (undefined), but when present it is validated — so `null` is rejected
 * unless the property's own decorators allow it. (class-validator's IsOptional would also let `null` through, which
 * would contradict the `field?: T` TypeScript types of the contracts.)
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}

/** Upper bounds that keep one Kafka record well under the broker's default 1 MB limit. */
export const LIMITS = Object.freeze({
  id: 512,
  shortText: 1_000,
  text: 100_000,
  attachments: 100,
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** True for an ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`), e.g. `new Date().toISOString()`. */
export function isIsoDateTime(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    ISO_DATE_TIME.test(value) &&
    isISO8601(value, { strict: true, strictSeparator: true }) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** ISO-8601 date-time string with a time zone (`2026-01-31T12:00:00.000Z`). */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isIsoDateTime(value),
        defaultMessage: (a: ValidationArguments) =>
          `${a.property} must be an ISO-8601 date-time with a time zone (e.g. 2026-01-31T12:00:00.000Z)`,
      },
    });
}

/** A plain JSON object (not null, not an array); its own keys are not validated (free-form). */
export function isPlainJsonObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Free-form JSON object (`context`, `settings`): must be a plain object, its keys are not whitelisted. */
export function IsFreeFormObject(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFreeFormObject',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isPlainJsonObject(value),
        defaultMessage: (a: ValidationArguments) => `${a.property} must be a JSON object`,
      },
    });
}

/** A JSON object whose values are all strings (e.g. Kafka headers). */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          isPlainJsonObject(value) && Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: (a: ValidationArguments) => `${a.property} must be an object of string values`,
      },
    });
}

/**
 * Setting names that denote a credential. Channel settings published on Kafka must not contain any of them in
 * plaintext: credentials travel only inside `encryptedSecrets`.
 */
export const SECRET_KEY_PATTERN = /token|secret|password|passwd|api[-_]?key|private[-_]?key|credential|auth[-_]?code/i;

/** Paths (`a.b[0].c`) of keys anywhere inside `value` whose name looks like a credential. */
export function findSecretLikeKeys(value: unknown, path = ''): string[] {
  const found: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => found.push(...findSecretLikeKeys(v, `${path}[${i}]`)));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (SECRET_KEY_PATTERN.test(k)) found.push(p);
      found.push(...findSecretLikeKeys(v, p));
    }
  }
  return found;
}

/** The object holds no key that looks like a credential (see SECRET_KEY_PATTERN), at any depth. */
export function HasNoPlaintextSecrets(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasNoPlaintextSecrets',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => findSecretLikeKeys(value).length === 0,
        defaultMessage: (a: ValidationArguments) =>
          `${a.property} must not carry credentials in plaintext (found: ${findSecretLikeKeys(a.value).join(', ')}); ` +
          'put them in encryptedSecrets',
      },
    });
}

/**
 * True for a string that can be an opaque ciphertext blob: non-empty, no whitespace, and not a JSON object/array
 * (a JSON document in that field would mean someone forgot to encrypt). Does not (cannot) check the encryption itself.
 */
export function isOpaqueCiphertext(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 65_536) return false;
  if (/\s/.test(value)) return false;
  return !(value.startsWith('{') || value.startsWith('['));
}

/** Opaque ciphertext (e.g. an AES-256-GCM blob produced with SECRETS_KEY); never a plaintext JSON document. */
export function IsOpaqueCiphertext(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOpaqueCiphertext',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isOpaqueCiphertext(value),
        defaultMessage: (a: ValidationArguments) =>
          `${a.property} must be an opaque encrypted blob (non-empty, no whitespace, not plaintext JSON)`,
      },
    });
}
