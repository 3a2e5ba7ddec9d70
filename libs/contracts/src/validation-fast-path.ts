import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes, type ValidationArguments, type ValidatorOptions } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** The rules of one property of a class, sorted once the way class-validator sorts them on every call. */
interface PropertyPlan {
  readonly name: string;
  /** The class plainToInstance makes of this property's value (its @Type), for a plain value; undefined = none. */
  readonly typed: (() => ClassRef) | undefined;
  readonly defined: ValidationMetadata[];
  readonly custom: ValidationMetadata[];
  readonly nested: ValidationMetadata[];
  readonly conditional: ValidationMetadata[];
  readonly awaitsPromise: boolean;
  /** Its rules are all PROTOTYPE_BLIND_RULES. */
  readonly prototypeBlind: boolean;
  /** How each item of a collection value is validated: its nested rules only (ValidationExecutor.nestedValidations). */
  readonly items: ItemPlan;
}

type ItemPlan = Pick<PropertyPlan, 'defined' | 'custom' | 'nested' | 'conditional'> & { readonly items: ItemPlan };

function itemPlanOf(nested: ValidationMetadata[]): ItemPlan {
  const plan = { defined: [], custom: [], nested, conditional: [] } as unknown as { items: ItemPlan } & ItemPlan;
  plan.items = plan;
  return plan;
}

interface ClassPlan {
  readonly properties: PropertyPlan[];
  /** Property names with at least one rule: the whitelist. */
  readonly allowed: ReadonlySet<string>;
}

/**
 * Rules class-validator applies the same way to a class instance and to the plain object it was made from: they look at
 * the value's shape, not its prototype. A property plainToInstance turns into an instance (its @Type) may carry only
 * these for a plain value to be judged; anything else (IsFreeFormObject checks the prototype) is left to the slow path.
 */
const PROTOTYPE_BLIND_RULES: ReadonlySet<string> = new Set(['isDefined', 'isObject', 'isArray', 'arrayMaxSize', 'arrayMinSize', 'arrayNotEmpty', 'isNotEmptyObject']);

const BUILT_IN_TYPES: ReadonlySet<unknown> = new Set([String, Number, Boolean, Date, Buffer, Map, Set, Array, Object, Promise]);

type Grouped = Record<string, ValidationMetadata[]>;

/** A class as class-validator and class-transformer key their metadata (an object's `constructor`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassRef = Function;

/** Thrown inside the fast path when it meets something only class-validator itself may judge (a promise). */
class Undecided extends Error {}

const plans = new WeakMap<Grouped, ClassPlan>();

function planOf(grouped: Grouped, cls: ClassRef): ClassPlan {
  let plan = plans.get(grouped);
  if (plan) return plan;
  const storage = getMetadataStorage();
  const properties: PropertyPlan[] = [];
  const allowed = new Set<string>();
  for (const name of Object.keys(grouped)) {
    const all = grouped[name];
    if (all.length > 0) allowed.add(name);
    const metadatas = all.filter((m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST);
    const nested = metadatas.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION);
    const ruled = all.filter((m) => m.type === ValidationTypes.IS_DEFINED || m.type === ValidationTypes.CUSTOM_VALIDATION);
    properties.push({
      name,
      typed: typeOfProperty(cls, name),
      defined: all.filter((m) => m.type === ValidationTypes.IS_DEFINED),
      custom: metadatas.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
      nested,
      conditional: metadatas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION),
      awaitsPromise: metadatas.some((m) => m.type === ValidationTypes.PROMISE_VALIDATION),
      prototypeBlind: ruled.every((m) => storage.getTargetValidatorConstraints(m.constraintCls).every((c) => PROTOTYPE_BLIND_RULES.has(c.name))),
      items: itemPlanOf(nested),
    });
  }
  plan = { properties, allowed };
  plans.set(grouped, plan);
  return plan;
}

/** The @Type of `cls.name` when plainToInstance would make an instance of a class of ours from it. */
function typeOfProperty(cls: ClassRef, name: string): (() => ClassRef) | undefined {
  const type = transformerMetadata.findTypeMetadata(cls, name);
  if (!type) return undefined;
  const { typeFunction, options } = type;
  if (!typeFunction || options?.discriminator || type.reflectedType === Map) return () => { throw new Undecided(); };
  return () => {
    const made = typeFunction() as ClassRef;
    if (BUILT_IN_TYPES.has(made)) throw new Undecided(); // converted by plainToInstance (String(x), new Date(x)…)
    return made;
  };
}

const plainSupport = new WeakMap<ClassRef, boolean>();

/**
 * Whether plainToInstance makes of a plain object exactly its own keys on a blank instance of `cls`: no @Expose,
 * @Exclude or @Transform, no methods or accessors that would swallow a key, and field initializers that set nothing.
 */
function plainMirrorsInstance(cls: ClassRef, allowed: ReadonlySet<string>): boolean {
  let known = plainSupport.get(cls);
  if (known !== undefined) return known;
  try {
    const ownNames = Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor');
    const parent = Object.getPrototypeOf(cls.prototype) as unknown;
    const blank = new (cls as new () => Record<string, unknown>)();
    known =
      parent === Object.prototype &&
      ownNames.length === 0 &&
      transformerMetadata.getExposedMetadatas(cls).length === 0 &&
      transformerMetadata.getExcludedMetadatas(cls).length === 0 &&
      !(transformerMetadata as unknown as { _transformMetadatas: Map<ClassRef, unknown> })._transformMetadatas.has(cls) &&
      Object.keys(blank).every((key) => blank[key] === undefined && allowed.has(key));
  } catch {
    known = false;
  }
  plainSupport.set(cls, known);
  return known;
}

function isPromiseLike(value: unknown): boolean {
  return value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function');
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

/**
 * The yes/no half of class-validator's `validateSync`: true exactly when `validateSync(object, options)` would answer no
 * errors — the same rules, looked up the same way (getTargetValidationMetadatas, groupByPropertyName,
 * getTargetValidatorConstraints), applied in the same order with the same arguments, and with `whitelist` without
 * `forbidNonWhitelisted` stripping the same properties. It builds no ValidationError, no per-property arrays and no
 * closures, which is where validateSync spends most of its allocation (≈ 60 KB per Kafka record): a valid record — all
 * but a few — costs a fraction of it. False means "not known to be valid": the caller then runs validateSync, whose
 * errors are the answer, so every error a client or a DLQ record ever shows still comes from class-validator.
 * Groups, `always`, `strictGroups` and the skip* options are honoured as class-validator does; a promise anywhere (an
 * async rule, a promised property) or a rule that throws is left to class-validator.
 */
export function passesClassValidation(object: object, options: Readonly<ValidatorOptions>): boolean {
  try {
    return new FastValidation(options, false).object(object, undefined, object.constructor);
  } catch {
    return false; // a promise (Undecided), or a rule that throws: class-validator's own run decides what that means
  }
}

/**
 * passesClassValidation of `plainToInstance(cls, plain)` without making the instances — for a producer, which only
 * needs to know that its record is valid. Each object is judged with the class plainToInstance would have made of it
 * (the root's `cls`, a property's @Type), which holds while plainToInstance copies the object's keys unchanged (see
 * plainMirrorsInstance) and the rules of a @Type property do not look at prototypes (PROTOTYPE_BLIND_RULES); anything
 * else answers false and the caller takes the instance path. A @ValidateIf condition is taken to read values, not
 * prototypes (those of the contracts do; validation-fast-path.spec.ts checks every contract class against
 * validateSync). Plain values only (JSON.parse output); in strip mode the unknown keys are deleted from `plain` itself.
 */
export function passesClassValidationAsPlain(cls: ClassRef, plain: object, options: Readonly<ValidatorOptions>): boolean {
  try {
    return new FastValidation(options, true).object(plain, undefined, cls);
  } catch {
    return false;
  }
}

class FastValidation {
  private readonly storage = getMetadataStorage();
  private readonly forbidUnknownValues: boolean;
  private readonly args: ValidationArguments = { targetName: '', property: '', object: {}, value: undefined, constraints: [] };

  constructor(
    private readonly options: Readonly<ValidatorOptions>,
    /** Objects are plain and judged as the class given for them, not as their constructor. */
    private readonly plain: boolean,
  ) {
    this.forbidUnknownValues = options.forbidUnknownValues === undefined || options.forbidUnknownValues !== false;
  }

  /** ValidationExecutor.execute, with `cls` the class the object is (an instance) or stands for (plain). */
  object(object: object, targetSchema: string | undefined, cls: ClassRef): boolean {
    const { groups, strictGroups = false, always = false } = this.options;
    const metadatas = this.storage.getTargetValidationMetadatas(cls, targetSchema as string, always, strictGroups, groups);
    if (this.forbidUnknownValues && metadatas.length === 0) return false;
    const plan = planOf(this.storage.groupByPropertyName(metadatas), cls);
    const keys = Object.keys(object);
    if (this.plain) this.expectMirrored(object, keys, cls, plan);
    // The first failure ends it: the caller's validateSync then reports (and, in strip mode, strips) everything.
    if (this.options.whitelist && !this.whitelist(object, keys, plan.allowed)) return false;
    for (const property of plan.properties) {
      const value = (object as Record<string, unknown>)[property.name];
      if (value instanceof Promise && property.awaitsPromise) throw new Undecided();
      if (!this.property(object, value, property, this.plain ? this.elementClassOf(property) : undefined)) return false;
    }
    return true;
  }

  /** A plain object stands for an instance of `cls` only when plainToInstance would copy it key for key. */
  private expectMirrored(object: object, keys: string[], cls: ClassRef, plan: ClassPlan): void {
    if (cls !== Object && !plainMirrorsInstance(cls, plan.allowed)) throw new Undecided();
    const proto = Object.getPrototypeOf(object) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new Undecided();
    // plainToInstance skips `constructor`, `__proto__` and keys the prototype has (toString…).
    for (const key of keys) if (key in Object.prototype || key === '__proto__') throw new Undecided();
  }

  /** The class a plain nested value of this property stands for: its @Type (then its rules must be prototype-blind). */
  private elementClassOf(property: PropertyPlan): ClassRef | undefined {
    if (!property.typed) return undefined;
    if (!property.prototypeBlind) throw new Undecided();
    return property.typed();
  }

  private whitelist(object: object, keys: string[], allowed: ReadonlySet<string>): boolean {
    for (const key of keys) {
      if (allowed.has(key)) continue;
      if (this.options.forbidNonWhitelisted) return false;
      delete (object as Record<string, unknown>)[key];
    }
    return true;
  }

  /** ValidationExecutor.performValidations */
  private property(object: object, value: unknown, plan: ItemPlan, elementClass: ClassRef | undefined): boolean {
    let canValidate = true;
    for (const condition of plan.conditional) {
      if (!(condition.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) canValidate = false;
    }
    if (!canValidate) return true;
    if (!this.custom(object, value, plan.defined)) return false;
    const { skipUndefinedProperties, skipNullProperties, skipMissingProperties } = this.options;
    if (value === undefined && skipUndefinedProperties === true) return true;
    if (value === null && skipNullProperties === true) return true;
    if ((value === null || value === undefined) && skipMissingProperties === true) return true;
    return this.custom(object, value, plan.custom) && this.nested(value, plan, elementClass);
  }

  /** ValidationExecutor.customValidations */
  private custom(object: object, value: unknown, metadatas: ValidationMetadata[]): boolean {
    for (const metadata of metadatas) {
      if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
      for (const constraint of this.storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) continue; // validateSync ignores async rules
        // One arguments object, refilled per rule: the rules read it while they run and keep nothing of it.
        const args = this.args;
        args.targetName = object.constructor ? object.constructor.name : (undefined as unknown as string); // messages only
        args.property = metadata.propertyName;
        args.object = object;
        args.value = value;
        args.constraints = metadata.constraints;
        if (!metadata.each || !isCollection(value)) {
          const result: unknown = constraint.instance.validate(value, args);
          if (isPromiseLike(result)) throw new Undecided();
          if (!result) return false;
          continue;
        }
        const items = value instanceof Set || value instanceof Map ? Array.from(value.values()) : value;
        for (const item of items) {
          const result: unknown = constraint.instance.validate(item, args);
          if (isPromiseLike(result)) throw new Undecided();
          if (!result) return false;
        }
      }
    }
    return true;
  }

  /** ValidationExecutor.nestedValidations */
  private nested(value: unknown, plan: ItemPlan, elementClass: ClassRef | undefined): boolean {
    if (value === undefined) return true;
    for (const metadata of plan.nested) {
      if (metadata.type !== ValidationTypes.NESTED_VALIDATION && metadata.type !== ValidationTypes.PROMISE_VALIDATION) continue;
      if (isCollection(value)) {
        const items = value instanceof Set ? Array.from(value) : value instanceof Map ? Array.from(value.values()) : value;
        for (const item of items) if (!this.property(value, item, plan.items, elementClass)) return false;
      } else if (value instanceof Object) {
        const targetSchema = typeof metadata.target === 'string' ? metadata.target : metadata.target.name;
        // An instance is judged as its class; a plain value as what plainToInstance makes of it.
        const cls = this.plain ? (elementClass ?? value.constructor) : value.constructor;
        if (!this.object(value, targetSchema, cls)) return false;
      } else {
        return false;
      }
    }
    return true;
  }
}
