import type { NextFunction, Request, Response } from 'express';

/** Deepest nesting of objects/arrays a JSON body may have: our DTOs are a few levels deep, and recursive steps after
 * the parser (Nest's ValidationPipe strips prototype keys recursively, class-transformer, class-validator) overflow
 * the stack on a body of thousands of levels. */
export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a parsed value, without recursion (stops counting once past `limit`). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return deepest;
}

/**
 * After the body parsers: a body nested deeper than MAX_JSON_DEPTH is refused with 400 VALIDATION_FAILED (answered by
 * bodyErrorMiddleware) before any pipe walks it.
 */
export function jsonDepthMiddleware(maxDepth = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.body !== null && typeof req.body === 'object' && jsonDepth(req.body, maxDepth) > maxDepth) {
      return next(Object.assign(new Error(`body nests deeper than ${maxDepth} levels`), { status: 400, type: 'entity.too.deep' }));
    }
    next();
  };
}
