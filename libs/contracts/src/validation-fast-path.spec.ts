import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsString, registerDecorator, validateSync, ValidateNested, type ValidatorOptions } from 'class-validator';
import { Type } from 'class-transformer';
import { CONTRACT_VALIDATOR_OPTIONS, decodeKnownEnvelope, encodeEnvelope } from './codec';
import { ContractViolationError } from './errors';
import { isKnownEventType } from './registry';
import { createDlqRecord } from './dlq';
import { createEnvelope, EventEnvelope } from './envelope';
import { ChannelConfigData } from './payloads/channel-config';
import { ChannelHealthData } from './payloads/channel-health';
import { CrmEventData } from './payloads/crm-event';
import { DlqRecord } from './payloads/dlq-record';
import { InboundMessageData } from './payloads/inbound-message';
import { MessageStatusData } from './payloads/message-status';
import { OutboundMessageData } from './payloads/outbound-message';
import * as fixtures from './test-fixtures';
import { IsFreeFormObject, Optional } from './validation';
import { passesClassValidation, passesClassValidationAsPlain } from './validation-fast-path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Cls = new () => object;

const REJECT: Readonly<ValidatorOptions> = CONTRACT_VALIDATOR_OPTIONS;
const STRIP: Readonly<ValidatorOptions> = { ...CONTRACT_VALIDATOR_OPTIONS, forbidNonWhitelisted: false };

const sync = { integrationId: randomUUID(), recordId: randomUUID(), entity: 'lead', entityId: randomUUID(), leadId: randomUUID(), state: 'synced', externalId: '4521', attempts: 0 };

/** Every contract class with values it accepts: the mutations below start from these. */
const SAMPLES: Array<[Cls, Json]> = [
  [InboundMessageData, fixtures.inboundText() as unknown as Json],
  [InboundMessageData, fixtures.inboundFull() as unknown as Json],
  [OutboundMessageData, fixtures.outbound() as unknown as Json],
  [OutboundMessageData, { ...fixtures.outbound(), template: { name: 'order_ready', language: 'ru', components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] } } as unknown as Json],
  [MessageStatusData, fixtures.messageStatus() as unknown as Json],
  [ChannelHealthData, fixtures.channelHealth() as unknown as Json],
  [ChannelConfigData, fixtures.channelConfig() as unknown as Json],
  [CrmEventData, fixtures.crmEvent() as unknown as Json],
  [CrmEventData, { kind: 'sync.updated', dialogId: fixtures.DIALOG_ID, sync } as unknown as Json],
  [EventEnvelope, JSON.parse(JSON.stringify(createEnvelope('message.inbound', fixtures.inboundText(), { accountId: fixtures.ACCOUNT_ID, channelId: fixtures.CHANNEL_ID })))],
  [DlqRecord, JSON.parse(JSON.stringify(createDlqRecord({ originalTopic: 'channels.inbound.v1', partition: 3, offset: '42', key: 'k', value: Buffer.from('{"a":1}'), headers: { 'x-event-type': 'message.inbound' }, error: new Error('boom'), attempts: 5 })))],
];

/** Deterministic PRNG (mulberry32): the same mutants on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = Array<string | number>;

/** A deep copy made in this realm (structuredClone's objects fail the codec's plain-object prototype check under jest). */
function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function pathsOf(value: Json, path: Path = []): Path[] {
  const out: Path[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...path, k]));
  return out;
}

function leaves(value: Json): Json[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

/** A copy of `root` with the value at `path` replaced (`undefined` = removed). */
function withAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? {} : value;
  const copy = clone(root) as Record<string | number, Json>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

function at(root: Json, path: Path): Json {
  return path.reduce<Json>((node, step) => (node as Record<string | number, Json>)[step], root);
}

const PALETTE: Json[] = [
  null, '', ' ', 'x', 'x'.repeat(513), 'x'.repeat(1_001), 0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, true, false, [], {}, [1], ['a'], [{}], { a: 1 }, { token: 'x' },
  '2026-13-01T00:00:00Z', '2026-03-01T10:15:30', '2026-03-01', 'not-a-uuid', randomUUID(), '+79001234567', 'https://files.example.com/a.pdf', 'ftp://x',
  ...new Set(SAMPLES.flatMap(([, sample]) => leaves(sample))),
];

/** The sample itself, each path removed, set to each palette value, grown by an unknown key; then random pairs of those. */
function mutantsOf(sample: Json, random: () => number): Json[] {
  const paths = pathsOf(sample);
  const single: Json[] = [sample];
  for (const path of paths) {
    if (path.length > 0) single.push(withAt(sample, path, undefined));
    for (const value of PALETTE) single.push(withAt(sample, path, value));
    const node = at(sample, path);
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) single.push(withAt(sample, path, { ...node, unknownField: 1 }));
    if (Array.isArray(node) && node.length > 0) single.push(withAt(sample, path, [...node, node[0]]));
  }
  const pairs: Json[] = [];
  for (let i = 0; i < 400; i++) {
    const first = single[Math.floor(random() * single.length)];
    const path = paths[Math.floor(random() * paths.length)];
    try {
      pairs.push(withAt(first, path, PALETTE[Math.floor(random() * PALETTE.length)]));
    } catch {
      // the first mutation removed a parent of the path
    }
  }
  // The codec hands the validator objects only (anything else is refused before: isPlainJsonObject).
  return [...single, ...pairs].filter((m) => m !== null && typeof m === 'object' && !Array.isArray(m));
}

interface Verdicts {
  /** passesClassValidation of the instance, passesClassValidationAsPlain of the plain value, validateSync. */
  fast: boolean;
  plain: boolean;
  slow: boolean;
  fastObject: unknown;
  plainObject: unknown;
  slowObject: unknown;
}

function verdicts(cls: Cls, plain: Json, options: Readonly<ValidatorOptions>): Verdicts {
  const forFast = plainToInstance(cls, clone(plain) as object);
  const forPlain = clone(plain) as object;
  const forSlow = plainToInstance(cls, clone(plain) as object);
  return {
    fast: passesClassValidation(forFast, options),
    plain: passesClassValidationAsPlain(cls, forPlain, options),
    slow: validateSync(forSlow, options).length === 0,
    fastObject: forFast,
    plainObject: forPlain,
    slowObject: forSlow,
  };
}

/** What encoding an envelope answers: nothing, or the details of its ContractViolationError. */
function outcome(run: () => unknown): unknown {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (err instanceof ContractViolationError) return err.details;
    throw err;
  }
}

describe('passesClassValidation: the yes/no of class-validator`s validateSync, without its allocation', () => {
  it.each(SAMPLES.map(([cls, sample], i) => [`${cls.name} #${i}`, cls, sample] as const))(
    'agrees with validateSync on every mutant of %s, rejecting and stripping unknown fields',
    (_name, cls, sample) => {
      const random = prng(0xc0ffee);
      const counts = { valid: 0, invalid: 0 };
      for (const mutant of mutantsOf(sample, random)) {
        for (const options of [REJECT, STRIP]) {
          const v = verdicts(cls, mutant, options);
          if (v.fast !== v.slow || v.plain !== v.slow) {
            throw new Error(`${cls.name}: instance ${v.fast}, plain ${v.plain}, validateSync ${v.slow} for ${JSON.stringify(mutant)} (${options === STRIP ? 'strip' : 'reject'})`);
          }
          // In strip mode the unknown fields are gone from all three, at every depth.
          if (options === STRIP && v.slow) {
            expect(JSON.stringify(v.fastObject)).toBe(JSON.stringify(v.slowObject));
            expect(JSON.stringify(v.plainObject)).toBe(JSON.stringify(v.slowObject));
          }
          counts[v.slow ? 'valid' : 'invalid'] += 1;
        }
      }
      expect(verdicts(cls, sample, REJECT).fast).toBe(true);
      // Both answers are common among the mutants, so the agreement is not the trivial one.
      expect(counts.valid).toBeGreaterThan(20);
      expect(counts.invalid).toBeGreaterThan(200);
    },
  );

  it.each(SAMPLES.filter(([cls]) => cls !== EventEnvelope && cls !== DlqRecord).map(([cls, sample], i) => [`${cls.name} #${i}`, sample] as const))(
    'encoding an envelope of %s (the plain path) answers what decoding it (the instance path) does, to the detail',
    (_name, sample) => {
      const type = ({ InboundMessageData: 'message.inbound', OutboundMessageData: 'message.outbound', MessageStatusData: 'message.status', ChannelHealthData: 'channel.health', ChannelConfigData: 'channel.config', CrmEventData: 'crm.event' } as Record<string, string>)[
        SAMPLES.find(([, s]) => s === sample)![0].name
      ];
      const envelope = clone(JSON.parse(JSON.stringify(createEnvelope(type, sample as object, { accountId: fixtures.ACCOUNT_ID, channelId: fixtures.CHANNEL_ID }))) as Json);
      const random = prng(0xbadc0de);
      const counts = { ok: 0, refused: 0 };
      // With a registered type both validate `data` with its class; an unregistered one decoding refuses outright.
      const typed = mutantsOf(envelope, random).filter((m) => isKnownEventType((m as { type?: unknown }).type));
      for (const mutant of typed.slice(0, 3_000)) {
        const encoded = outcome(() => encodeEnvelope(mutant as unknown as EventEnvelope));
        const decoded = outcome(() => decodeKnownEnvelope(Buffer.from(JSON.stringify(mutant))));
        expect([JSON.stringify(mutant), encoded]).toEqual([JSON.stringify(mutant), decoded]);
        counts[encoded === 'ok' ? 'ok' : 'refused'] += 1;
      }
      expect(counts.ok).toBeGreaterThan(10);
      expect(counts.refused).toBeGreaterThan(100);
    },
  );

  describe('the rules of class-validator it must apply the same way', () => {
    class Item {
      @IsInt() n!: number;
    }
    class Holder {
      @IsString({ each: true }) tags!: Set<string> | string[];
      @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
      @IsString({ groups: ['admin'] }) adminOnly?: unknown;
    }
    const holder = (over: Partial<Record<keyof Holder, unknown>>): Holder => plainToInstance(Holder, { tags: ['a'], items: [{ n: 1 }], ...over });

    it('`each` over arrays and sets, nested items, and groups', () => {
      const cases: Array<[Holder, ValidatorOptions]> = [
        [holder({}), REJECT],
        [Object.assign(holder({}), { tags: new Set(['a', 'b']) }), REJECT],
        [Object.assign(holder({}), { tags: new Set(['a', 2]) }), REJECT],
        [holder({ tags: ['a', 2] }), REJECT],
        [holder({ items: [{ n: 1 }, { n: 'x' }] }), REJECT],
        [holder({ items: [{ n: 1 }, 5] }), REJECT],
        [holder({ items: [[{ n: 1 }]] }), REJECT],
        [holder({ adminOnly: 1 }), { ...REJECT, groups: ['admin'] }],
        [holder({ adminOnly: 1 }), REJECT],
        [holder({ adminOnly: 'yes' }), { ...REJECT, groups: ['admin'] }],
      ];
      for (const [value, options] of cases) {
        const copy = plainToInstance(Holder, JSON.parse(JSON.stringify({ ...value, tags: [...value.tags] })) as object);
        if (value.tags instanceof Set) copy.tags = new Set(value.tags);
        expect([passesClassValidation(value, options), JSON.stringify(options.groups)]).toEqual([validateSync(copy, options).length === 0, JSON.stringify(options.groups)]);
      }
    });

    it('leaves a promise to class-validator: an async rule answers "not known", never "valid"', () => {
      class WithAsyncRule {
        @IsString() name!: string;
      }
      registerDecorator({ name: 'slowCheck', target: WithAsyncRule, propertyName: 'name', async: true, validator: { validate: () => Promise.resolve(false) } });
      class WithPromiseResult {
        @IsString() name!: string;
      }
      registerDecorator({ name: 'promised', target: WithPromiseResult, propertyName: 'name', validator: { validate: () => Promise.resolve(true) as unknown as boolean } });
      const asyncRule = Object.assign(new WithAsyncRule(), { name: 'a' });
      const promised = Object.assign(new WithPromiseResult(), { name: 'a' });
      // validateSync skips async rules: valid. The fast path may answer valid too: it skips them the same way.
      expect(passesClassValidation(asyncRule, REJECT)).toBe(validateSync(asyncRule, REJECT).length === 0);
      // A sync rule that answers a promise: the fast path does not guess.
      expect(passesClassValidation(promised, REJECT)).toBe(false);
    });

    it('a plain value is not judged where plainToInstance would change what the rules see', () => {
      class Inner {
        @IsInt() n!: number;
      }
      class PrototypeMatters {
        @IsFreeFormObject() @Type(() => Inner) inner!: Inner; // an instance of Inner is not a plain JSON object
      }
      class WithDefault {
        @Optional() @IsIn(['a']) name?: string = 'zzz'; // absent from the plain value, 'zzz' on the instance
      }
      class Converted {
        @IsString() @Type(() => Date) when!: string; // a string in the plain value, a Date on the instance
      }
      const cases: Array<[Cls, object]> = [
        [PrototypeMatters, { inner: { n: 1 } }],
        [WithDefault, {}],
        [Converted, { when: '2026-01-01' }],
      ];
      for (const [cls, plain] of cases) {
        // Each plain value passes its rules as it is, and its instance does not: judged as plain it would be let through.
        expect([cls.name, validateSync(plainToInstance(cls, clone(plain as Json) as object), REJECT).length > 0]).toEqual([cls.name, true]);
        expect([cls.name, passesClassValidationAsPlain(cls, { ...plain }, REJECT)]).toEqual([cls.name, false]);
        expect([cls.name, passesClassValidation(plainToInstance(cls, clone(plain as Json) as object), REJECT)]).toEqual([cls.name, false]);
      }
    });

    it('a nested value that is not a class instance is unknown to forbidUnknownValues, as in validateSync', () => {
      const value = holder({});
      value.items = [{ n: 1 } as Item];
      expect(validateSync(value, REJECT).length).toBeGreaterThan(0);
      expect(passesClassValidation(value, REJECT)).toBe(false);
    });
  });
});
