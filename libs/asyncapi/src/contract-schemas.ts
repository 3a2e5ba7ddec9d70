import 'reflect-metadata';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, IS_IN, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadataArrayToSchemas } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import type { DataClass } from '@crm/contracts';
import { type ClassFacts, type Condition, conditionalRequirements, requiredWhen } from './conditional-rules';

// JSON Schemas of the Kafka contract classes, derived from the same class-validator metadata the codec validates with
// (class-validator-jsonschema), plus what that library cannot see: our custom decorators, integer bounds, and the
// `ValidateIf` conditions that make a property optional or nullable.

// class-transformer keeps its @Type metadata in a module without typings of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage };

/** A JSON Schema (draft-07, the AsyncAPI Schema format) as plain JSON. */
export type JsonSchema = Record<string, unknown>;

export interface ContractSchemaOptions {
  /** Where `$ref`s point, e.g. `#/components/schemas/`. */
  refPrefix: string;
  /**
   * `reject` (default): every contract object is closed (`additionalProperties: false`), as producers validate.
   * `strip`: objects stay open, as consumers decode (fields a newer producer added are dropped, DESIGN §6).
   */
  unknownFields?: 'reject' | 'strip';
}

/** Schemas of our custom decorators (libs/contracts/src/validation.ts) and of built-ins the library maps loosely. */
const CONVERTERS: ISchemaConverters = {
  isIsoDateTime: { type: 'string', format: 'date-time' },
  isFreeFormObject: { type: 'object', description: 'Free-form JSON object (its keys are not validated).' },
  isStringMap: { type: 'object', additionalProperties: { type: 'string' } },
  hasNoPlaintextSecrets: { description: 'Never holds a plaintext credential: no key, at any depth, that looks like a token, secret, password or API key.' },
  isOpaqueCiphertext: {
    type: 'string',
    minLength: 1,
    maxLength: 65_536,
    pattern: '^[^\\s{\\[]\\S*$',
    description: 'Opaque AES-256-GCM blob encrypted with SECRETS_KEY (never plaintext JSON).',
  },
  textOrAttachments: { description: 'Must not be blank unless there are attachments or a template.' },
  // class-validator-jsonschema says `type: number` for these, which would override IsInt's `integer` when merged.
  [ValidationTypes.CUSTOM_VALIDATION]: {},
  min: (meta) => ({ minimum: meta.constraints[0] as number }),
  max: (meta) => ({ maximum: meta.constraints[0] as number }),
  isUrl: { type: 'string', format: 'uri' },
};

/** Every class reachable from `roots` through `@ValidateNested` + `@Type`. */
export function reachableClasses(roots: readonly DataClass[]): DataClass[] {
  const storage = getMetadataStorage();
  const seen = new Set<DataClass>();
  const queue = [...roots];
  while (queue.length > 0) {
    const cls = queue.shift()!;
    if (seen.has(cls)) continue;
    seen.add(cls);
    for (const meta of storage.getTargetValidationMetadatas(cls, '', true, false)) {
      if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const nested = defaultMetadataStorage.findTypeMetadata(cls, meta.propertyName)?.typeFunction() as DataClass | undefined;
      if (nested) queue.push(nested);
    }
  }
  return [...seen];
}

/** The metadata of one class, custom decorators named by their constraint (what the library's converters key on). */
function metadataOf(cls: DataClass): ValidationMetadata[] {
  const storage = getMetadataStorage();
  return storage.getTargetValidationMetadatas(cls, '', true, false).map((meta) => {
    if (!meta.constraintCls) return { ...meta } as ValidationMetadata;
    const [constraint] = storage.getTargetValidatorConstraints(meta.constraintCls);
    return { ...meta, type: constraint?.name ?? meta.type } as ValidationMetadata;
  });
}

function holds(condition: Condition, object: object, value: unknown): boolean | undefined {
  try {
    return condition(object, value) === true;
  } catch {
    return undefined;
  }
}

/** A null skips validation (`ValidateIf(o => o.x !== null)`): the property may be null. */
function nullable(conditions: readonly Condition[], property: string): boolean {
  return conditions.some((c) => holds(c, { [property]: null }, null) === false);
}

function withNull(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') {
    const out: JsonSchema = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) out.enum = [...(schema.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/** `$ref` with siblings (the library adds `type`/`not null` next to it) → the bare reference; its description kept. */
function bareRef(schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref === 'string') return schema.description ? { $ref: schema.$ref, description: schema.description } : { $ref: schema.$ref };
  if (schema.items && typeof schema.items === 'object') return { ...schema, items: bareRef(schema.items as JsonSchema) };
  return schema;
}

/** Applies the ValidateIf analysis and closes the object (unknownFields 'reject'). */
function refine(cls: DataClass, schema: JsonSchema, options: ContractSchemaOptions): JsonSchema {
  const properties = Object.fromEntries(Object.entries(schema.properties as Record<string, JsonSchema>).map(([k, v]) => [k, bareRef(v)]));
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const conditions = new Map<string, Condition[]>();
  const enums = new Map<string, unknown[]>();
  for (const meta of metadataOf(cls)) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      conditions.set(meta.propertyName, [...(conditions.get(meta.propertyName) ?? []), meta.constraints[0] as Condition]);
    } else if (meta.type === IS_IN && !meta.each) {
      enums.set(meta.propertyName, [...(meta.constraints[0] as unknown[])]);
    }
  }
  const facts: ClassFacts = { properties: Object.keys(properties), enums };
  const rules: JsonSchema[] = [];
  for (const [property, list] of conditions) {
    if (nullable(list, property)) properties[property] = withNull(properties[property]);
    if (requiredWhen(list, property, {}, facts)) required.add(property);
    else rules.push(...conditionalRequirements(list, property, facts));
  }
  const out: JsonSchema = { type: 'object', title: cls.name, properties };
  if (required.size > 0) out.required = Object.keys(properties).filter((p) => required.has(p));
  if (rules.length > 0) out.allOf = rules;
  if ((options.unknownFields ?? 'reject') === 'reject') out.additionalProperties = false;
  return out;
}

/** name → JSON Schema of every class reachable from `roots`, `$ref`s pointing at `options.refPrefix + name`. */
export function contractSchemas(roots: readonly DataClass[], options: ContractSchemaOptions): Record<string, JsonSchema> {
  const classes = reachableClasses(roots);
  const raw = validationMetadataArrayToSchemas(classes.flatMap(metadataOf), {
    refPointerPrefix: options.refPrefix,
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: CONVERTERS,
  }) as unknown as Record<string, JsonSchema>;
  const out: Record<string, JsonSchema> = {};
  for (const cls of classes) {
    const schema = raw[cls.name];
    if (!schema) throw new Error(`contractSchemas: no validation metadata for ${cls.name}`);
    out[cls.name] = refine(cls, schema, options);
  }
  return out;
}
