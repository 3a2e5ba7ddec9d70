// Lints the OpenAPI document on stdin with Redocly's `recommended` ruleset and prints the problems as JSON on stdout.
// A child process because @redocly/openapi-core 2.x is ESM-only: Jest's CommonJS runtime cannot load it, plain Node
// 22 can (`node -r libs/testing/src/child/ts-register.js apps/api/src/testing/openapi-lint.child.ts < openapi.json`).
import { BaseResolver, createConfig, lintDocument, makeDocumentFromString } from '@redocly/openapi-core';
import type { OpenApiProblem } from './openapi-lint';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const config = await createConfig({ extends: ['recommended'] });
  const document = makeDocumentFromString(await readStdin(), 'openapi.json');
  const problems = await lintDocument({ document, config, externalRefResolver: new BaseResolver() });
  const result: OpenApiProblem[] = problems.map((p) => ({
    severity: p.severity,
    ruleId: p.ruleId,
    message: p.message,
    pointer: p.location[0]?.pointer ?? '',
    ...(p.ignored ? { ignored: true } : {}),
  }));
  process.stdout.write(JSON.stringify(result));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
