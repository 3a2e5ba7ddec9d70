// Malformed request bodies for one endpoint, generated from a template of a valid body (a schema's example, or the
// call a platform makes): a fixed list of hostile shapes every endpoint gets (empty, 1 MB string, 10,000 levels of
// nesting, invalid UTF-8, wrong content types, truncated JSON, over the body limit, arrays, prototype-pollution keys),
// then every field of the template with a value of a wrong type, then seeded random mixes of those until `count`.
// Pure: no I/O; the same seed gives the same bodies.

export interface AbuseBody {
  /** What is wrong with it (the report groups by endpoint, a failure names its kind). */
  kind: string;
  body: Buffer;
  contentType?: string;
  /** Why a reader may accept it (valid bytes under another content type, an extra key): stored is then no violation. */
  tolerable?: string;
}

/** The shape of one field as far as it is known (from a schema, or from the template's own value). */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'unknown';

export interface AbuseTemplate {
  /** A valid body (never sent as it is). */
  value: unknown;
  /** Type of each field by its path (`a.b.0.c`); fields missing here take the type of the template's value. */
  types?: Record<string, FieldType>;
  /** The endpoint's body limit in bytes (one body goes just over it). */
  bodyLimit: number;
}

export const MEGABYTE = 1024 * 1024;
const DEPTH = 10_000;

/** A small seeded PRNG (mulberry32): runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = (kind: string, value: unknown, contentType = 'application/json'): AbuseBody => ({ kind, body: Buffer.from(JSON.stringify(value)), contentType });
const sameBytes = (kind: string, text: string, contentType?: string): AbuseBody => ({ ...raw(kind, text, contentType), tolerable: 'a valid body under another content type' });
const raw = (kind: string, text: string | Buffer, contentType?: string): AbuseBody => ({ kind, body: Buffer.isBuffer(text) ? text : Buffer.from(text), contentType });

function nestedArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function nestedObject(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The template's JSON with `inner` spliced in as the value of its first field (or as the whole body). */
function withFirstField(template: unknown, innerJson: string): string {
  if (template && typeof template === 'object' && !Array.isArray(template)) {
    const [key] = Object.keys(template);
    if (key !== undefined) return JSON.stringify({ ...template, [key]: '\u0000MARK\u0000' }).replace('"\\u0000MARK\\u0000"', innerJson);
  }
  return innerJson;
}

/** The hostile shapes every endpoint gets once. */
export function fixedBodies(template: AbuseTemplate): AbuseBody[] {
  const valid = JSON.stringify(template.value ?? {});
  const huge = 'A'.repeat(MEGABYTE);
  const invalidUtf8 = Buffer.concat([Buffer.from(valid.slice(0, Math.max(1, valid.indexOf('"') + 1))), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8]), Buffer.from(valid.slice(valid.indexOf('"') + 1))]);
  return [
    raw('empty body', '', 'application/json'),
    raw('empty body, no content type', ''),
    raw('whitespace body', '   \n', 'application/json'),
    json('1 MB string', huge),
    raw('1 MB string in the first field', withFirstField(template.value, JSON.stringify(huge)), 'application/json'),
    raw('10,000 nested arrays', nestedArray(DEPTH), 'application/json'),
    raw('10,000 nested objects', nestedObject(DEPTH), 'application/json'),
    raw('10,000 nested arrays in the first field', withFirstField(template.value, nestedArray(DEPTH)), 'application/json'),
    raw('10,000 nested objects in the first field', withFirstField(template.value, nestedObject(DEPTH)), 'application/json'),
    raw('invalid UTF-8 bytes', invalidUtf8, 'application/json'),
    raw('lone surrogate escape', valid.replace(/"([^"]*)"/, '"\\ud800$1"'), 'application/json'),
    sameBytes('text/plain', valid, 'text/plain'),
    raw('application/xml', '<?xml version="1.0"?><a><b>1</b></a>', 'application/xml'),
    raw('form-urlencoded', 'a=1&b[c]=2&__proto__[x]=1', 'application/x-www-form-urlencoded'),
    sameBytes('multipart without boundary', valid, 'multipart/form-data'),
    sameBytes('json with latin1 charset', valid, 'application/json; charset=latin1'),
    sameBytes('json with unknown charset', valid, 'application/json; charset=klingon'),
    sameBytes('no content type', valid),
    raw('octet-stream', Buffer.from([0, 1, 2, 3, 255, 254]), 'application/octet-stream'),
    raw('truncated JSON (half)', valid.slice(0, Math.floor(valid.length / 2)), 'application/json'),
    raw('truncated JSON (last byte)', valid.slice(0, -1), 'application/json'),
    raw('over the body limit', JSON.stringify({ pad: 'B'.repeat(template.bodyLimit + 1) }), 'application/json'),
    raw('4 MB body', JSON.stringify({ pad: 'C'.repeat(4 * MEGABYTE) }), 'application/json'),
    json('empty array', []),
    json('array of the body', [template.value]),
    json('null', null),
    json('number', 42),
    json('string', 'body'),
    json('boolean', true),
    { ...raw('__proto__ key', valid.replace(/^\{/, '{"__proto__":{"isAdmin":true,"role":"admin"},'), 'application/json'), tolerable: 'a valid body with a prototype key (stripped)' },
    { ...json('constructor.prototype key', { ...(isRecord(template.value) ? template.value : {}), constructor: { prototype: { polluted: true } } }), tolerable: 'a valid body with a prototype key (stripped)' },
    raw('only __proto__', '{"__proto__":{"polluted":true}}', 'application/json'),
    { ...raw('duplicate keys', valid.replace(/^\{/, '{"a":1,"a":[],'), 'application/json'), tolerable: 'a valid body with an unknown field' },
    raw('NUL bytes', valid.replace(/"([^"]*)"/, '"\\u0000$1\\u0000"'), 'application/json'),
  ];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(value: unknown): FieldType {
  if (Array.isArray(value)) return 'array';
  if (value === null || value === undefined) return 'unknown';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value as FieldType;
}

/** Values that are not of `type` (never null: an optional field may take null, which is no wrong type). */
export function wrongValues(type: FieldType): unknown[] {
  const all: Array<[FieldType[], unknown]> = [
    [['string'], 'wrong'],
    [['string'], ''],
    [['number', 'integer'], 12345],
    [['number', 'integer'], -1.5],
    [['boolean'], true],
    [['array'], ['x', 1]],
    [['array'], []],
    [['object'], { x: 1 }],
    [['object'], {}],
  ];
  return all.filter(([types]) => !types.includes(type) && !(type === 'number' && types.includes('integer'))).map(([, v]) => v);
}

/** Every field path of a JSON value (depth-first), with its type. */
export function fieldPaths(value: unknown, prefix: string[] = []): Array<{ path: string[]; type: FieldType }> {
  const out: Array<{ path: string[]; type: FieldType }> = [];
  const children = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : isRecord(value) ? Object.entries(value) : [];
  for (const [key, child] of children) {
    out.push({ path: [...prefix, key], type: typeOf(child) });
    out.push(...fieldPaths(child, [...prefix, key]));
  }
  return out;
}

/** A deep copy of `value` with the field at `path` replaced. */
export function replaced(value: unknown, path: string[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? replaced(v, rest, by) : v));
  if (isRecord(value)) return { ...value, [head]: replaced(value[head], rest, by) };
  return value;
}

/** One body per field × wrong type: `{…, field: <not its type>}`. */
export function wrongTypeBodies(template: AbuseTemplate): AbuseBody[] {
  return fieldPaths(template.value).flatMap(({ path, type }) => {
    const declared = template.types?.[path.join('.')] ?? type;
    return wrongValues(declared).map((v) => json(`${path.join('.')} as ${typeOf(v) === 'unknown' ? 'null' : typeOf(v)}`, replaced(template.value, path, v)));
  });
}

/** Spliced anywhere — inside a string or between tokens — each makes the JSON invalid (a raw control character never
 * belongs in JSON text), so a "junk" body can never turn into a different valid one that would be stored. */
const JUNK = ['\u0000', '\u0001{', '\u001f"', '\u0007\\q', '\u0002]]', '\u0008:'];

/** A random mix: several wrong-typed fields at once, random junk bytes, or the template cut at a random place. */
function randomBody(template: AbuseTemplate, random: () => number, singles: AbuseBody[]): AbuseBody {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const roll = random();
  const valid = JSON.stringify(template.value ?? {});
  if (roll < 0.4) {
    const fields = fieldPaths(template.value);
    let value = template.value;
    const names: string[] = [];
    for (let i = 0; i < 1 + Math.floor(random() * 3) && fields.length > 0; i++) {
      const { path, type } = pick(fields);
      value = replaced(value, path, pick(wrongValues(template.types?.[path.join('.')] ?? type)));
      names.push(path.join('.'));
    }
    return names.length > 0 ? json(`random wrong types: ${names.join(', ')}`, value) : pick(singles);
  }
  if (roll < 0.6) return raw('truncated JSON (random cut)', valid.slice(0, Math.floor(random() * valid.length)), 'application/json');
  if (roll < 0.8) {
    const at = Math.floor(random() * valid.length);
    return raw('junk spliced in', valid.slice(0, at) + pick(JUNK) + valid.slice(at), 'application/json');
  }
  const bytes = Buffer.alloc(1 + Math.floor(random() * 512));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return raw('random bytes', bytes, pick(['application/json', 'text/plain', 'application/octet-stream']));
}

/** `count` malformed bodies for the template: the fixed list, every field × wrong type, then random mixes. */
export function* abuseBodies(template: AbuseTemplate, count: number, seed: number): Generator<AbuseBody> {
  const singles = [...fixedBodies(template), ...wrongTypeBodies(template)];
  for (const body of singles.slice(0, count)) yield body;
  const random = seededRandom(seed);
  for (let i = singles.length; i < count; i++) yield randomBody(template, random, singles);
}
