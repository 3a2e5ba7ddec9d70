import { jsonDepth, jsonDepthMiddleware, MAX_JSON_DEPTH } from './json-depth.middleware';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('jsonDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 'x' }] })).toBe(3);
  });

  it('measures 100,000 levels without a stack overflow, stopping past the limit', () => {
    expect(jsonDepth(nested(100_000))).toBe(100_000);
    expect(jsonDepth(nested(100_000), 10)).toBe(11);
  });
});

describe('jsonDepthMiddleware', () => {
  const run = (body: unknown) => {
    const next = jest.fn();
    jsonDepthMiddleware()({ body } as never, {} as never, next);
    return next.mock.calls[0][0] as { status?: number; type?: string } | undefined;
  };

  it(`lets ${MAX_JSON_DEPTH} levels through and refuses one more as a 400 body error`, () => {
    expect(run(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(run(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ status: 400, type: 'entity.too.deep' });
    expect(run('text body')).toBeUndefined();
  });
});
