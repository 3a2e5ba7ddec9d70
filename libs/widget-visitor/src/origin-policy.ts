/**
 * Which web pages may talk to a widget channel (DESIGN §8: "the widget's public API checks the channel's allowed
 * origins"). An allowed entry is an origin (`https://shop.example`, default ports dropped, case-insensitive), a
 * subdomain wildcard (`https://*.shop.example`, any depth, not the apex itself), a bare host (`shop.example`, http or
 * https), or `*` (any page). Paths and trailing slashes in an entry are ignored.
 */

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `scheme://host[:port]` in canonical form, or null when `value` is not an http(s) origin/URL. */
export function normalizeOrigin(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!trimmed || trimmed === 'null') return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  const port = url.port && url.port !== DEFAULT_PORTS[url.protocol] ? `:${url.port}` : '';
  return `${url.protocol}//${url.hostname.toLowerCase()}${port}`;
}

interface OriginRule {
  schemes: string[];
  /** Exact host, or the suffix after `*.` for a wildcard. */
  host: string;
  wildcard: boolean;
  /** Explicit port ('' = the scheme's default). */
  port: string;
}

function parseRule(entry: string): OriginRule | 'any' | null {
  const raw = entry.trim().toLowerCase();
  if (!raw) return null;
  if (raw === '*') return 'any';
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(raw);
  const schemes = hasScheme ? [raw.slice(0, raw.indexOf(':') + 1)] : ['http:', 'https:'];
  if (!schemes.every((s) => s === 'http:' || s === 'https:')) return null;
  const rest = hasScheme ? raw.slice(raw.indexOf('://') + 3) : raw;
  const authority = rest.split(/[/?#]/, 1)[0];
  const wildcard = authority.startsWith('*.');
  const hostPort = wildcard ? authority.slice(2) : authority;
  // Parse the host and port with the URL parser (validates them, lower-cases, punycodes IDNs).
  let url: URL;
  try {
    url = new URL(`${schemes[0]}//${hostPort}`);
  } catch {
    return null;
  }
  if (!url.hostname || hostPort.includes('*')) return null;
  return { schemes, host: url.hostname, wildcard, port: url.port };
}

/** True when a request from `origin` may use a channel whose settings allow `allowedOrigins`. */
export function isOriginAllowed(origin: string | null | undefined, allowedOrigins: readonly unknown[]): boolean {
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  const url = new URL(normalized);
  const port = url.port;
  for (const entry of allowedOrigins) {
    if (typeof entry !== 'string') continue;
    const rule = parseRule(entry);
    if (rule === null) continue;
    if (rule === 'any') return true;
    if (!rule.schemes.includes(url.protocol)) continue;
    const rulePort = rule.port && rule.port !== DEFAULT_PORTS[url.protocol] ? rule.port : '';
    if (rulePort !== port) continue;
    if (rule.wildcard ? url.hostname.endsWith(`.${rule.host}`) : url.hostname === rule.host) return true;
  }
  return false;
}
