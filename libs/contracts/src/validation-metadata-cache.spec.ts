import { getMetadataStorage, IsInt, IsString, MetadataStorage, validateSync } from 'class-validator';
import { EVENT_DATA_CLASSES } from './registry';
import './validation';

describe('validation metadata cache', () => {
  const storage = getMetadataStorage();

  it('is installed on the global storage and answers exactly what class-validator computes, for every contract class', () => {
    expect(storage.getTargetValidationMetadatas).not.toBe(MetadataStorage.prototype.getTargetValidationMetadatas);
    const targets = [...new Set([...storage['validationMetadatas'].keys(), ...Object.values(EVENT_DATA_CLASSES)])].filter((t): t is new () => object => typeof t === 'function');
    expect(targets.length).toBeGreaterThan(10);
    for (const target of targets) {
      for (const args of [[undefined, false, false, undefined], ['', true, false, undefined], [undefined, false, true, ['g']]] as const) {
        const cached = storage.getTargetValidationMetadatas(target, args[0] as string, args[1], args[2], args[3] as string[] | undefined);
        const fresh = MetadataStorage.prototype.getTargetValidationMetadatas.call(storage, target, args[0] as string, args[1], args[2], args[3] as string[] | undefined);
        expect(cached).toEqual(fresh);
        // The second lookup is the kept answer, and its grouping too.
        expect(storage.getTargetValidationMetadatas(target, args[0] as string, args[1], args[2], args[3] as string[] | undefined)).toBe(cached);
        expect(storage.groupByPropertyName(cached)).toBe(storage.groupByPropertyName(cached));
        expect(storage.groupByPropertyName(cached)).toEqual(MetadataStorage.prototype.groupByPropertyName.call(storage, cached));
      }
    }
  });

  it('a rule registered after a class was validated takes part in its next validation (and in its subclasses)', () => {
    class Late {
      @IsString() name!: unknown;
      count!: unknown;
    }
    class LateChild extends Late {}
    const value = Object.assign(new Late(), { name: 'x', count: 'not a number' });
    const child = Object.assign(new LateChild(), { name: 'x', count: 'not a number' });
    expect(validateSync(value)).toEqual([]);
    expect(validateSync(child)).toEqual([]);
    IsInt()(Late.prototype, 'count');
    expect(validateSync(value).map((e) => e.property)).toEqual(['count']);
    expect(validateSync(child).map((e) => e.property)).toEqual(['count']);
  });

  it('groups are part of the key: a grouped rule applies only when its group is asked for', () => {
    class Grouped {
      @IsString({ groups: ['strict'] }) code!: unknown;
    }
    const value = Object.assign(new Grouped(), { code: 42 });
    expect(validateSync(value, { groups: ['strict'] }).map((e) => e.property)).toEqual(['code']);
    expect(validateSync(value, { groups: ['other'], forbidUnknownValues: false })).toEqual([]);
    expect(validateSync(value, { groups: ['strict'] }).map((e) => e.property)).toEqual(['code']);
  });
});
