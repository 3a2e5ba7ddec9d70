// Keeps the README and the repository self-contained and true (issue 16):
// - every environment variable an app's config class reads (apps/<app>/src/config/*.config.ts, with the
//   BaseServiceConfig fields and libs/config mixins they inherit) has a row in the README's configuration tables,
//   naming exactly the apps that read it and the default the class really has; no row documents a variable no app reads;
// - no file of the repository refers to a folder outside it (an absolute path into the machine's work folder, or a
//   relative `shared` folder that is not in the repository), and the relative links of README.md and docs/*.md resolve.
//
//   npx jest --ci deploy/readme-env.spec.ts
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declaredVariables, requiredVariables } from '@crm/config';
import { loadServices } from '../tools/deploy/service-catalog';

const ROOT = path.resolve(__dirname, '..');

type ConfigClass = new () => object;

/** One config class of one app. */
export interface AppConfig {
  app: string;
  className: string;
  cls: ConfigClass;
}

/** How one app reads one variable. */
export interface VariableUse {
  app: string;
  required: boolean;
  defaultValue: unknown;
}

/** One row of a `| variable | used by | default | meaning |` table of the README's configuration section. */
export interface ReadmeRow {
  variable: string;
  usedBy: string;
  defaultCell: string;
  line: number;
}

// ---------------------------------------------------------------------------------------------------------------------
// Config classes

/** Every class exported by apps/<app>/src/config/*.config.ts that declares variables (class-validator metadata). */
export function loadAppConfigs(root = ROOT): AppConfig[] {
  const configs: AppConfig[] = [];
  for (const app of fs.readdirSync(path.join(root, 'apps')).sort()) {
    const dir = path.join(root, 'apps', app, 'src', 'config');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.config.ts')).sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, file)) as Record<string, unknown>;
      for (const [className, value] of Object.entries(mod)) {
        if (typeof value === 'function' && declaredVariables(value as ConfigClass).length > 0) configs.push({ app, className, cls: value as ConfigClass });
      }
    }
  }
  return configs;
}

/** variable → how each app reads it. */
export function variableUses(configs: readonly AppConfig[]): Map<string, VariableUse[]> {
  const uses = new Map<string, VariableUse[]>();
  for (const { app, cls } of configs) {
    const required = new Set(requiredVariables(cls));
    const defaults = new cls() as Record<string, unknown>;
    for (const variable of declaredVariables(cls)) {
      const list = uses.get(variable) ?? [];
      if (!list.some((u) => u.app === app)) list.push({ app, required: required.has(variable), defaultValue: defaults[variable] });
      uses.set(variable, list);
    }
  }
  return uses;
}

// ---------------------------------------------------------------------------------------------------------------------
// README tables

const TABLE_HEADER = /^\|\s*variable\s*\|\s*used by\s*\|\s*default\s*\|\s*meaning\s*\|\s*$/i;

function cellsOf(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** The rows of every variable table in the `## Configuration (env)` section (up to the next `## ` heading). */
export function readmeRows(markdown: string): { rows: ReadmeRow[]; problems: string[] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^## Configuration \(env\)\s*$/.test(l));
  if (start < 0) return { rows: [], problems: ['README has no "## Configuration (env)" section'] };
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const rows: ReadmeRow[] = [];
  const problems: string[] = [];
  let inTable = false;
  for (let i = start + 1; i < (end < 0 ? lines.length : end); i++) {
    const line = lines[i];
    if (TABLE_HEADER.test(line)) {
      inTable = true;
      i++; // the |---| separator
      continue;
    }
    if (!inTable) continue;
    if (!line.trim().startsWith('|')) {
      inTable = false;
      continue;
    }
    const [variableCell = '', usedBy = '', defaultCell = ''] = cellsOf(line);
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(variableCell);
    if (!name) problems.push(`README line ${i + 1}: the first cell must be one variable name in backticks, got "${variableCell}"`);
    else rows.push({ variable: name[1], usedBy, defaultCell, line: i + 1 });
  }
  if (rows.length === 0) problems.push('README has no "| variable | used by | default | meaning |" table in its configuration section');
  return { rows, problems };
}

/** The apps a "used by" cell names: `all`, `connectors` (every connector-*), or app names, comma-separated. */
export function parseUsedBy(cell: string, apps: readonly string[]): { apps: Set<string>; unknown: string[] } {
  const named = new Set<string>();
  const unknown: string[] = [];
  for (const token of cell.split(',').map((t) => t.trim().replace(/`/g, '')).filter(Boolean)) {
    if (token === 'all') apps.forEach((a) => named.add(a));
    else if (token === 'connectors') apps.filter((a) => a.startsWith('connector-')).forEach((a) => named.add(a));
    else if (apps.includes(token)) named.add(token);
    else unknown.push(token);
  }
  return { apps: named, unknown };
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** What is wrong with a row's default cell, given how the apps read the variable; null when it is right. */
function defaultProblem(cell: string, uses: readonly VariableUse[]): string | null {
  const saysRequired = /\brequired\b/i.test(cell);
  const anyRequired = uses.some((u) => u.required);
  if (anyRequired !== saysRequired) return anyRequired ? 'must say "required"' : 'says "required" but every app has a default';
  const withDefault = uses.filter((u) => !u.required && u.defaultValue !== undefined);
  const distinct = [...new Set(withDefault.map((u) => shown(u.defaultValue)))];
  if (distinct.length === 0) return anyRequired || /^—/.test(cell) ? null : 'must start with "—" (no default)';
  if (distinct.length === 1) {
    const expected = distinct[0];
    if (expected === '') return /^empty\b/i.test(cell) ? null : 'must start with "empty" (the default is an empty string)';
    const first = /`([^`]*)`/.exec(cell)?.[1];
    return first === expected ? null : `must show \`${expected}\` as its first value, shows ${first === undefined ? 'none' : `\`${first}\``}`;
  }
  const missing = withDefault.filter((u) => !cell.includes(`${u.app} \`${shown(u.defaultValue)}\``));
  return missing.length === 0 ? null : `must list each app's default: ${missing.map((u) => `${u.app} \`${shown(u.defaultValue)}\``).join(', ')}`;
}

/** Every disagreement between the README rows and the config classes; [] when they agree. */
export function readmeEnvProblems(rows: readonly ReadmeRow[], uses: ReadonlyMap<string, readonly VariableUse[]>, apps: readonly string[]): string[] {
  const problems: string[] = [];
  const byVariable = new Map<string, ReadmeRow[]>();
  for (const row of rows) byVariable.set(row.variable, [...(byVariable.get(row.variable) ?? []), row]);
  for (const [variable, list] of [...uses.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const readers = list.map((u) => u.app).sort();
    const documented = byVariable.get(variable) ?? [];
    if (documented.length === 0) {
      problems.push(`${variable} (read by ${readers.join(', ')}) is not in the README's configuration tables`);
      continue;
    }
    if (documented.length > 1) problems.push(`${variable} has ${documented.length} rows (README lines ${documented.map((r) => r.line).join(', ')})`);
    const row = documented[0];
    const usedBy = parseUsedBy(row.usedBy, apps);
    if (usedBy.unknown.length > 0) problems.push(`${variable} (README line ${row.line}): "used by" names unknown apps: ${usedBy.unknown.join(', ')}`);
    const said = [...usedBy.apps].sort();
    if (said.join(',') !== readers.join(',')) problems.push(`${variable} (README line ${row.line}): "used by" says ${said.join(', ') || 'nobody'}, but it is read by ${readers.join(', ')}`);
    const problem = defaultProblem(row.defaultCell, list);
    if (problem) problems.push(`${variable} (README line ${row.line}): the default ${problem}`);
  }
  for (const row of rows) {
    if (!uses.has(row.variable)) problems.push(`${row.variable} (README line ${row.line}) is documented but no app's config class reads it`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------
// References outside the repository

// Built from parts so that this file does not contain what it looks for.
const WORK_FOLDER = ['', 'work', ''].join('/');
const SHARED_FOLDER = 'shared';
const WORK_PATTERN = new RegExp(`(?<![\\w.~-])${WORK_FOLDER.replace(/\//g, '\\/')}`, 'g');
const SHARED_PATTERN = new RegExp(`(?:\\.\\.\\/)+${SHARED_FOLDER}(?![\\w.-])`, 'g');

/**
 * References in one file's text to folders outside the repository: any absolute path into the work folder, and any
 * relative `../…/shared` that leaves the repository or names a `shared` folder the repository does not have
 * (`apps/api/src/shared`, which the api's use-cases import relatively, is a real folder and fine).
 */
export function outsideReferences(relPath: string, text: string, root = ROOT, exists: (p: string) => boolean = fs.existsSync): string[] {
  const found: string[] = [];
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(WORK_PATTERN)) found.push(`${relPath}:${lineOf(m.index ?? 0)}: absolute path ${WORK_FOLDER}…`);
  for (const m of text.matchAll(SHARED_PATTERN)) {
    const target = path.resolve(root, path.dirname(relPath), m[0]);
    const inside = !path.relative(root, target).startsWith('..');
    if (!inside || !exists(target)) found.push(`${relPath}:${lineOf(m.index ?? 0)}: ${m[0]} (${inside ? 'no such folder in the repository' : 'outside the repository'})`);
  }
  return found;
}

/** Relative links `[text](target)` of a markdown file that leave the repository or point at nothing. */
export function brokenLinks(relPath: string, markdown: string, root = ROOT, exists: (p: string) => boolean = fs.existsSync): string[] {
  const found: string[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const href = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue;
    const target = path.resolve(root, path.dirname(relPath), decodeURI(href.replace(/#.*$/, '')));
    const inside = !path.relative(root, target).startsWith('..');
    if (!inside || !exists(target)) found.push(`${relPath}: link ${href} ${inside ? 'points at nothing' : 'leaves the repository'}`);
  }
  return found;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', 'tmp', 'coverage', '.nx', 'artifacts']);

/** The repository's files: tracked and new (not ignored) per git; a walk that skips build output without git. */
function repositoryFiles(root = ROOT): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return [...new Set(out.split('\0').filter(Boolean))].filter((f) => fs.existsSync(path.join(root, f)));
  } catch {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
        } else if (entry.isFile()) files.push(rel);
      }
    };
    walk('');
    return files;
  }
}

function readText(file: string): string | null {
  const buf = fs.readFileSync(path.join(ROOT, file));
  return buf.subarray(0, 8000).includes(0) ? null : buf.toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------------

describe('the README documents every variable the apps read', () => {
  const configs = loadAppConfigs();
  const apps = [...new Set(configs.map((c) => c.app))].sort();
  const uses = variableUses(configs);

  it('finds a config class for every deployable, each with the shared variables', () => {
    const services = loadServices(ROOT).map((s) => s.name).sort();
    expect(apps).toEqual(services);
    for (const { cls } of configs) expect(declaredVariables(cls)).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'PORT']));
    expect(uses.get('OUTBOX_RELAY_ENABLED')?.map((u) => u.app)).toEqual(['api']);
  });

  it('README tables: every variable, the apps that read it and its default', () => {
    const { rows, problems } = readmeRows(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect([...problems, ...readmeEnvProblems(rows, uses, apps)]).toEqual([]);
  });

  describe('the checker', () => {
    const fakeApps = ['api', 'connector-telegram', 'connector-vk', 'lead-routing'];
    const fakeUses = new Map<string, VariableUse[]>([
      ['DATABASE_URL', fakeApps.map((app) => ({ app, required: true, defaultValue: undefined }))],
      ['PORT', fakeApps.map((app, i) => ({ app, required: false, defaultValue: 3000 + i }))],
      ['KAFKA_TOPIC_PREFIX', fakeApps.map((app) => ({ app, required: false, defaultValue: '' }))],
      ['SECRETS_KEY', ['api', 'connector-telegram', 'connector-vk'].map((app) => ({ app, required: true, defaultValue: undefined }))],
      ['TELEGRAM_MODE', [{ app: 'connector-telegram', required: false, defaultValue: 'webhook' }]],
      ['OUTBOX_RELAY_ENABLED', [{ app: 'api', required: false, defaultValue: true }]],
      ['SERVICE_INSTANCE_ID', fakeApps.map((app) => ({ app, required: false, defaultValue: undefined }))],
    ]);
    const readme = (rows: string[]): string =>
      ['# x', '## Configuration (env)', '', '| variable | used by | default | meaning |', '|---|---|---|---|', ...rows, '', '## Next', '| variable | used by | default | meaning |', '|---|---|---|---|', '| `IGNORED` | all | — | after the section |'].join('\n');
    const good = [
      '| `DATABASE_URL` | all | — (required) | db |',
      '| `PORT` | all | api `3000`, connector-telegram `3001`, connector-vk `3002`, lead-routing `3003` | port |',
      '| `KAFKA_TOPIC_PREFIX` | all | empty | prefix |',
      '| `SECRETS_KEY` | api, connectors | — (required) | key |',
      '| `TELEGRAM_MODE` | connector-telegram | `webhook` | mode |',
      '| `OUTBOX_RELAY_ENABLED` | api | `true` (on) | relay |',
      '| `SERVICE_INSTANCE_ID` | all | — | id |',
    ];
    const check = (rows: string[]): string[] => {
      const parsed = readmeRows(readme(rows));
      return [...parsed.problems, ...readmeEnvProblems(parsed.rows, fakeUses, fakeApps)];
    };

    it('accepts tables that agree with the classes, and reads only the configuration section', () => {
      expect(check(good)).toEqual([]);
    });

    it('reports a missing variable, a stale row and a duplicate', () => {
      expect(check(good.filter((r) => !r.includes('TELEGRAM_MODE')))).toEqual(['TELEGRAM_MODE (read by connector-telegram) is not in the README\'s configuration tables']);
      expect(check([...good, '| `GONE_VAR` | api | `1` | old |'])).toEqual(['GONE_VAR (README line 13) is documented but no app\'s config class reads it']);
      expect(check([...good, '| `TELEGRAM_MODE` | connector-telegram | `webhook` | again |'])).toEqual(['TELEGRAM_MODE has 2 rows (README lines 10, 13)']);
    });

    it('reports the wrong apps in "used by"', () => {
      const wrong = good.map((r) => r.replace('| api, connectors |', '| api, connector-telegram, nobody-app |'));
      expect(check(wrong)).toEqual([
        'SECRETS_KEY (README line 9): "used by" names unknown apps: nobody-app',
        'SECRETS_KEY (README line 9): "used by" says api, connector-telegram, but it is read by api, connector-telegram, connector-vk',
      ]);
    });

    it('reports wrong defaults: value, required, empty, none and per-app values', () => {
      const replace = (from: string, to: string): string[] => check(good.map((r) => r.replace(from, to)));
      expect(replace('`webhook`', '`polling`')).toEqual(['TELEGRAM_MODE (README line 10): the default must show `webhook` as its first value, shows `polling`']);
      expect(replace('`true` (on)', '— (required)')).toEqual(['OUTBOX_RELAY_ENABLED (README line 11): the default says "required" but every app has a default']);
      expect(replace('| all | — (required) | db |', '| all | — | db |')).toEqual(['DATABASE_URL (README line 6): the default must say "required"']);
      expect(replace('| all | empty |', '| all | `x` |')).toEqual(['KAFKA_TOPIC_PREFIX (README line 8): the default must start with "empty" (the default is an empty string)']);
      expect(replace('| all | — | id |', '| all | `a` | id |')).toEqual(['SERVICE_INSTANCE_ID (README line 12): the default must start with "—" (no default)']);
      expect(replace('connector-vk `3002`', 'connector-vk `3102`')).toEqual(['PORT (README line 7): the default must list each app\'s default: connector-vk `3002`']);
    });

    it('reports a missing section and a row without a variable name', () => {
      expect(readmeRows('# x\n## Other\n').problems).toEqual(['README has no "## Configuration (env)" section']);
      expect(check([...good, '| DATABASE | all | — | no backticks |'])).toEqual(['README line 13: the first cell must be one variable name in backticks, got "DATABASE"']);
    });
  });
});

describe('the repository depends on nothing outside it', () => {
  it('no file refers to a folder outside the repository', () => {
    const found = repositoryFiles().flatMap((file) => {
      const text = readText(file);
      return text === null ? [] : outsideReferences(file, text);
    });
    expect(found).toEqual([]);
  });

  it('the relative links of README.md and docs/*.md resolve inside the repository', () => {
    const docs = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    expect(docs.flatMap((file) => brokenLinks(file, fs.readFileSync(path.join(ROOT, file), 'utf8')))).toEqual([]);
  });

  describe('the checkers', () => {
    const up = (n: number): string => '../'.repeat(n) + SHARED_FOLDER;
    const existing = (p: string): boolean => p === path.join(ROOT, 'apps/api/src/shared') || p === path.join(ROOT, 'docs/platforms.md');

    it('flag a shared folder outside the repository or missing from it, and absolute work-folder paths', () => {
      expect(outsideReferences('README.md', `see [d](${up(1)}/DESIGN.md)\n`, ROOT, existing)).toEqual([`README.md:1: ${up(1)} (outside the repository)`]);
      expect(outsideReferences('docs/a.md', `x\n${up(1)}/PLATFORMS.md`, ROOT, existing)).toEqual([`docs/a.md:2: ${up(1)} (no such folder in the repository)`]);
      expect(outsideReferences('libs/x/src/a.ts', `const p = '${WORK_FOLDER}shared/DESIGN.md';`, ROOT, existing)).toEqual([`libs/x/src/a.ts:1: absolute path ${WORK_FOLDER}…`]);
    });

    it('accept a real shared folder of the repository and look-alikes', () => {
      const file = 'apps/api/src/funnels/delete-funnel/delete-funnel.usecase.ts';
      expect(outsideReferences(file, `import { refuseWhenUsed } from '${up(2)}/refuse-when-used';`, ROOT, existing)).toEqual([]);
      expect(outsideReferences('a.md', `https://example.com${WORK_FOLDER}x ${up(1)}-stuff ./${SHARED_FOLDER}`, ROOT, existing)).toEqual([]);
    });

    it('flag links that leave the repository or point at nothing', () => {
      const md = '[a](docs/platforms.md) [b](https://x.org/y) [c](#top) [d](../outside.md) [e](docs/missing.md#x)';
      expect(brokenLinks('README.md', md, ROOT, existing)).toEqual(['README.md: link ../outside.md leaves the repository', 'README.md: link docs/missing.md#x points at nothing']);
    });
  });
});
