import { applyServiceV8Flags, SERVICE_V8_FLAGS } from './v8-flags';

describe('applyServiceV8Flags', () => {
  it('turns allocation-site pretenuring off (the webhook benchmarks need it: see v8-flags.ts)', () => {
    expect(SERVICE_V8_FLAGS).toContain('--no-allocation-site-pretenuring');
  });

  it('hands every flag to V8, in order, once', () => {
    const set = jest.fn<void, [string]>();
    applyServiceV8Flags(set);
    expect(set.mock.calls).toEqual(SERVICE_V8_FLAGS.map((flag) => [flag]));
  });

  it('applies them to the running process through node:v8 by default', () => {
    expect(() => applyServiceV8Flags()).not.toThrow();
  });
});
