import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TransformFnParams } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';

export const toInt = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number.parseInt(value, 10) : value;

export const toBool = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};

function custom(name: string, message: string, test: (value: unknown) => boolean, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} ${message}`, ...options },
      validator: { validate: test },
    });
}

/** postgres://user[:password]@host[:port]/database */
export const IsPostgresUrl = (options?: ValidationOptions) =>
  custom('isPostgresUrl', 'must be a postgres:// or postgresql:// URL with a database name', (v) => {
    if (typeof v !== 'string') return false;
    try {
      const u = new URL(v);
      return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && !!u.hostname && u.pathname.length > 1;
    } catch {
      return false;
    }
  }, options);

/** host:port[,host:port...] */
export const IsBrokerList = (options?: ValidationOptions) =>
  custom('isBrokerList', 'must be a comma-separated list of host:port', (v) =>
    typeof v === 'string' &&
    v.split(',').every((b) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b.trim())) &&
    v.trim().length > 0,
  options);

/** An absolute http(s) URL without a trailing slash (grammY refuses an apiRoot ending in "/"). */
export const IsHttpRoot = (options?: ValidationOptions) =>
  custom('isHttpRoot', 'must be an absolute http(s) URL without a trailing slash', (v) => {
    if (typeof v !== 'string' || v.endsWith('/')) return false;
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, options);

/** Base64 that decodes to exactly `bytes` bytes (SECRETS_KEY: 32 bytes for AES-256-GCM). */
export const IsBase64Key = (bytes: number, options?: ValidationOptions) =>
  custom('isBase64Key', `must be base64 encoding exactly ${bytes} bytes`, (v) =>
    typeof v === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === bytes,
  options);

/** Why `file` is not a readable PEM `kind` ('certificate' | 'private key'); null when it is one. */
export function pemFileProblem(file: unknown, kind: 'certificate' | 'private key'): string | null {
  if (typeof file !== 'string' || file.trim() === '') return `must be the path of a PEM ${kind} file`;
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (err) {
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  try {
    if (kind === 'certificate') new X509Certificate(content);
    else createPrivateKey(content);
    return null;
  } catch {
    return `${file} is not a PEM ${kind}${kind === 'private key' ? ' (an unencrypted one)' : ''}`;
  }
}

/** A readable file holding a PEM certificate (or bundle) / an unencrypted PEM private key. */
export const IsPemFile = (kind: 'certificate' | 'private key', options?: ValidationOptions) =>
  (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPemFile',
      target: target.constructor,
      propertyName,
      options: { message: (args) => `${propertyName} ${pemFileProblem(args.value, kind) ?? 'is invalid'}`, ...options },
      validator: { validate: (v) => pemFileProblem(v, kind) === null },
    });

/** Only meaningful together with `other` = true (e.g. a CA file without KAFKA_SSL=true would be silently ignored). */
export const RequiresTrue = (other: string, options?: ValidationOptions) =>
  (target: object, propertyName: string) =>
    registerDecorator({
      name: 'requiresTrue',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} is set but ${other} is not true`, ...options },
      validator: { validate: (_v, args) => (args?.object as Record<string, unknown>)[other] === true },
    });

/** Only meaningful together with `other` set. */
export const RequiresSet = (other: string, options?: ValidationOptions) =>
  (target: object, propertyName: string) =>
    registerDecorator({
      name: 'requiresSet',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} is set but ${other} is not`, ...options },
      validator: { validate: (_v, args) => (args?.object as Record<string, unknown>)[other] !== undefined },
    });
