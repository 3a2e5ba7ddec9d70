import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { murmur2, Murmur2Partitioner } from './murmur2-partitioner';

// kafkajs' own Java-compatible implementation, the reference our partitioning must equal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer | string) => number;

const partitions = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

describe('murmur2', () => {
  it('equals kafkajs (and so the Java client) for keys of every length and alphabet', () => {
    const keys: Array<Buffer | string> = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'Здравствуйте', '😀 emoji', `${'0b7f2a64-1d2c-4f10-8a3b-1f0e9a6d5c42'}:123456789`];
    for (let i = 0; i < 2000; i++) keys.push(randomBytes(i % 97), randomBytes(i % 61).toString('base64'));
    for (const key of keys) expect([key, murmur2(key)]).toEqual([key, kafkajsMurmur2(key)]);
  });

  it('known vectors of the Java client (Utils.murmur2 via toPositive) are reproduced', () => {
    // Values from Apache Kafka's DefaultPartitionerTest / UtilsTest: murmur2 of these UTF-8 strings.
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
  });
});

describe('Murmur2Partitioner', () => {
  it('puts every key on the partition kafkajs DefaultPartitioner chooses', () => {
    const ours = Murmur2Partitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 6, 12, 50]) {
      for (let i = 0; i < 500; i++) {
        const message = { key: `${randomBytes(16).toString('hex')}:${i}`, value: null };
        const args = { topic: 't', partitionMetadata: partitions(n), message };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it('an explicit partition wins; without a key it goes round robin over partitions that have a leader', () => {
    const choose = Murmur2Partitioner();
    expect(choose({ topic: 't', partitionMetadata: partitions(6), message: { key: 'k', value: null, partition: 4 } })).toBe(4);
    const picked = Array.from({ length: 12 }, () => choose({ topic: 't', partitionMetadata: partitions(4, [1]), message: { value: null } }));
    expect(new Set(picked)).toEqual(new Set([0, 2, 3]));
    for (let i = 1; i < picked.length; i++) expect(picked[i]).not.toBe(picked[i - 1]);
  });
});
