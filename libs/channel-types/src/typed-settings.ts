import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { DomainError, ErrorCode } from '@crm/domain';

/** One problem of a request, the same shape the API's validation pipe reports: `{ path, constraints }`. */
export interface SettingsProblem {
  path: string;
  constraints: string[];
}

function flatten(errors: ValidationError[], prefix: string): SettingsProblem[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
    const own = e.constraints ? [{ path, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Validates type-specific settings with the type's own class-validator class: whitelist, unknown keys rejected,
 * nothing converted implicitly. Returns a plain object with only the declared keys; throws DomainError(`code`) whose
 * details name each bad field as `<path>.<field>` (e.g. `settings.botToken`).
 */
export function validateSettings<S extends object>(
  settingsClass: new () => S,
  value: unknown,
  options: { code: ErrorCode; path?: string },
): S {
  const path = options.path ?? 'settings';
  if (!isPlainObject(value)) {
    throw new DomainError(options.code, {}, [{ path, constraints: [`${path} must be an object`] }]);
  }
  const plain = JSON.parse(JSON.stringify(value), (k, v: unknown) => (k === '__proto__' ? undefined : v)) as Record<string, unknown>;
  const instance = plainToInstance(settingsClass, plain, { enableImplicitConversion: false, exposeDefaultValues: false });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new DomainError(options.code, {}, flatten(errors, path));
  return JSON.parse(JSON.stringify(instance)) as S;
}

/**
 * PATCH semantics for settings: keys present in `patch` replace the current ones, `null` removes an optional key,
 * absent keys (e.g. a secret the client only ever saw masked) keep their current value.
 */
export function mergeSettings(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Splits validated settings into the non-secret part (stored as JSON, published) and the credentials (encrypted). */
export function splitSettings(
  settings: Record<string, unknown>,
  secretKeys: readonly string[],
): { publicSettings: Record<string, unknown>; secrets: Record<string, unknown> | null } {
  const publicSettings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (secretKeys.includes(key)) secrets[key] = value;
    else publicSettings[key] = value;
  }
  return { publicSettings, secrets: Object.keys(secrets).length > 0 ? secrets : null };
}

/** The keys a settings class declares (what a client may send); stored extras (derived, learned) are not among them. */
export function settingsKeys(settingsClass: new () => object): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(settingsClass, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

/** Only the declared keys of `settings` (drops derived and learned facts kept next to them). */
export function pickSettings(settingsClass: new () => object, settings: Record<string, unknown>): Record<string, unknown> {
  const keys = new Set(settingsKeys(settingsClass));
  return Object.fromEntries(Object.entries(settings).filter(([k]) => keys.has(k)));
}
