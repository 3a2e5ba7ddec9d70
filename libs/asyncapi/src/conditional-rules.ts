import type { JsonSchema } from './contract-schemas';

// What a property's `ValidateIf` conditions say about when it must be present, found by evaluating them: the
// conditions are plain functions of the object, so they are probed with every combination of the values of the
// properties they read (an enum property: each of its values or absent; any other: present or absent). A property
// is required in some case when every condition holds there, whatever the other properties it reads hold.

/** A ValidateIf condition: (object, value) → validate the property? */
export type Condition = (object: object, value: unknown) => boolean;

const PRESENT = Object.freeze({ present: true });
/** Combinations tried for one question at most; past it no rule is claimed. */
const MAX_COMBINATIONS = 20_000;

/** The property-level facts the analysis needs about one class. */
export interface ClassFacts {
  /** Property names in declaration order. */
  properties: readonly string[];
  /** Enum properties (`IsIn`) and their values. */
  enums: ReadonlyMap<string, readonly unknown[]>;
}

function evaluate(conditions: readonly Condition[], object: Record<string, unknown>, reads: Set<string>): boolean {
  const proxy = new Proxy(object, {
    get: (target, key) => {
      if (typeof key === 'string') reads.add(key);
      return target[key as string];
    },
  });
  return conditions.every((condition) => {
    try {
      return condition(proxy, undefined) === true;
    } catch {
      return false;
    }
  });
}

function* combinations(properties: readonly string[], domainOf: (p: string) => readonly unknown[]): Generator<Record<string, unknown>> {
  if (properties.length === 0) {
    yield {};
    return;
  }
  const [first, ...rest] = properties;
  for (const value of domainOf(first)) for (const tail of combinations(rest, domainOf)) yield { [first]: value, ...tail };
}

/**
 * True when `property`, absent, is validated (so required) for the `fixed` values, whatever the other properties the
 * conditions read hold. The read set grows while probing (short-circuits hide reads), so it runs to a fixed point.
 */
export function requiredWhen(conditions: readonly Condition[], property: string, fixed: Record<string, unknown>, facts: ClassFacts): boolean {
  const domainOf = (p: string): readonly unknown[] => (facts.enums.has(p) ? [...facts.enums.get(p)!, undefined] : [undefined, PRESENT]);
  const known = new Set<string>();
  for (;;) {
    const free = [...known].filter((p) => p !== property && !(p in fixed));
    const reads = new Set<string>();
    let tried = 0;
    for (const assignment of combinations(free, domainOf)) {
      if (++tried > MAX_COMBINATIONS) return false;
      if (!evaluate(conditions, { ...fixed, ...assignment, [property]: undefined }, reads)) return false;
    }
    const before = known.size;
    reads.forEach((p) => known.add(p));
    if (known.size === before) return true;
  }
}

function rule(ifSchema: JsonSchema, property: string): JsonSchema {
  return { if: ifSchema, then: { required: [property] } };
}

/** "required when P is one of S", for enum properties P taken alone. */
function enumRules(conditions: readonly Condition[], property: string, facts: ClassFacts): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [p, values] of facts.enums) {
    if (p === property) continue;
    const when = values.filter((v) => requiredWhen(conditions, property, { [p]: v }, facts));
    if (when.length > 0) out.push(rule({ properties: { [p]: { enum: when } }, required: [p] }, property));
  }
  return out;
}

/** "required when P1 is v1 and P2 is one of S", for pairs of enum properties (e.g. kind = text and event ≠ delete). */
function enumPairRules(conditions: readonly Condition[], property: string, facts: ClassFacts): JsonSchema[] {
  const out: JsonSchema[] = [];
  const enums = [...facts.enums].filter(([p]) => p !== property);
  for (let i = 0; i < enums.length; i++) {
    for (const [p2, values2] of enums.slice(i + 1)) {
      const [p1, values1] = enums[i];
      for (const v1 of values1) {
        const when = values2.filter((v2) => requiredWhen(conditions, property, { [p1]: v1, [p2]: v2 }, facts));
        if (when.length > 0) out.push(rule({ properties: { [p1]: { const: v1 }, [p2]: { enum: when } }, required: [p1, p2] }, property));
      }
    }
  }
  return out;
}

/** "required when P is absent" (one of two alternatives, e.g. url or platformFileId). */
function absenceRules(conditions: readonly Condition[], property: string, facts: ClassFacts): JsonSchema[] {
  return facts.properties
    .filter((p) => p !== property && !facts.enums.has(p))
    .filter((p) => requiredWhen(conditions, property, { [p]: undefined }, facts) && !requiredWhen(conditions, property, { [p]: PRESENT }, facts))
    .map((p) => rule({ not: { required: [p] } }, property));
}

/** The `if`/`then` rules under which an optional `property` is required (none when it is simply optional). */
export function conditionalRequirements(conditions: readonly Condition[], property: string, facts: ClassFacts): JsonSchema[] {
  const single = enumRules(conditions, property, facts);
  if (single.length > 0) return single;
  const pairs = enumPairRules(conditions, property, facts);
  if (pairs.length > 0) return pairs;
  return absenceRules(conditions, property, facts);
}
