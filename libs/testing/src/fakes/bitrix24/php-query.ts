// PHP-style query strings as Bitrix24 reads them (parse_str): `fields[TITLE]=x&fields[PHONE][0][VALUE]=+7…&select[]=ID`.
// The fake uses this to read `batch` sub-commands and form-urlencoded bodies.

type Tree = Record<string, unknown>;

function keyPath(rawKey: string): string[] {
  const first = /^[^[]*/.exec(rawKey)?.[0] ?? '';
  const rest = [...rawKey.slice(first.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
  return [first, ...rest];
}

function assign(target: Tree, path: string[], value: string): void {
  let node: Tree = target;
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    const key = segment === '' ? String(Object.keys(node).length) : segment;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return;
    if (last) {
      node[key] = value;
      return;
    }
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Tree;
  });
}

/** `{ "0": a, "1": b }` → `[a, b]`, recursively (what parse_str gives PHP as a list). */
function listify(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Tree).map(([k, v]) => [k, listify(v)] as const);
  const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
  return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

/** Parses `a[b][]=1&c=2` into nested objects and lists (values stay strings, as in PHP). */
export function parsePhpQuery(query: string): Record<string, unknown> {
  const out: Tree = {};
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    assign(out, keyPath(rawKey), value);
  }
  return listify(out) as Record<string, unknown>;
}
