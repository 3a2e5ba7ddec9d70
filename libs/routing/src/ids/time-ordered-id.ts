import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562) generator: 48-bit Unix milliseconds, then a 12-bit counter, then 62 random bits. Ids of one
 * generator strictly increase (the counter orders ids of the same millisecond; on overflow the timestamp borrows
 * from the next millisecond), so sorting rows by id gives the order they were created in — e.g. the messages of a
 * dialog in arrival order. Postgres compares uuid values bytewise, which is the same order.
 */
export class TimeOrderedIdGenerator {
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    let ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = randomBytes(2).readUInt16BE(0) & 0x1ff; // random start, leaves room to count up
    } else {
      ms = this.lastMs;
      this.counter += 1;
      if (this.counter > 0xfff) {
        this.lastMs += 1;
        ms = this.lastMs;
        this.counter = 0;
      }
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | ((this.counter >> 8) & 0x0f);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

const shared = new TimeOrderedIdGenerator();

/** The next id of the process-wide generator (strictly increasing within this process). */
export function newTimeOrderedId(): string {
  return shared.next();
}
