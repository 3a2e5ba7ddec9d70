import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Grouped = Record<string, ValidationMetadata[]>;

let installed = false;

/**
 * Memoizes how class-validator finds a class's rules. On every validate call, for the object and each nested one, it
 * scans every registered class for ancestors, filters the rules by groups and regroups them by property
 * (typestack/class-validator#2686) — the same answer each time once the classes are loaded, and a large share of the
 * allocation of encoding or decoding a Kafka record (a connector validates each record it produces, a consumer each
 * one it reads). The answers are kept per (class, schema, always, strictGroups, groups), and the grouping per answer;
 * a rule registered later (a mapped type, a decorator applied at runtime) clears both, so a lookup never misses a rule.
 * class-validator reads both results and never changes them. Idempotent; installed when @crm/contracts is loaded, so
 * every process that validates contracts — and every test — runs with it.
 */
export function installValidationMetadataCache(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage();
  const resolve = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let resolved = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();

  storage.addValidationMetadata = (metadata: ValidationMetadata) => {
    resolved = new WeakMap();
    grouped = new WeakMap();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, targetSchema, always, strictGroups, groups) => {
    // The usual call (no groups, no always/strictGroups) is keyed by the schema name alone: no key built per lookup.
    const plain = !always && !strictGroups && !groups;
    const key = plain ? (targetSchema ?? '') : `\u0001${targetSchema ?? ''}\u0000${always}\u0000${strictGroups}\u0000${groups ? JSON.stringify(groups) : ''}`;
    let byArgs = resolved.get(target);
    if (!byArgs) resolved.set(target, (byArgs = new Map()));
    let metadata = byArgs.get(key);
    if (!metadata) byArgs.set(key, (metadata = resolve(target, targetSchema, always, strictGroups, groups)));
    return metadata;
  };
  storage.groupByPropertyName = (metadata: ValidationMetadata[]) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
}
