import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** A user-given CRM URL that must not be called (SSRF, DESIGN §3): not https, or a non-public address. */
export class CrmUrlRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrmUrlRefusedError';
  }
}

/** The CRM host name does not resolve (for now): the CRM is unreachable, not refused. */
export class CrmHostUnresolvedError extends Error {
  constructor(
    readonly host: string,
    override readonly cause: unknown,
  ) {
    super(`${host} does not resolve: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'CrmHostUnresolvedError';
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Everything that is not a public unicast address (RFC 6890 special-purpose registries, multicast, reserved).
 * IPv4-mapped IPv6 (::ffff:0:0/96) is unwrapped and checked as IPv4 instead (BlockList would also match plain IPv4
 * addresses against such a rule).
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** `::ffff:a.b.c.d` / `::ffff:xxxx:xxxx` → the IPv4 address it maps, else null. */
function mappedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export interface CrmUrlPolicyOptions {
  /** CRM_ALLOW_LOOPBACK_URLS: tests reach local fakes on http://127.0.0.1:<port>. Never set in production. */
  allowLoopback: boolean;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Where a user-given CRM URL may point: https to a public host. Checked at save time (`assertAllowed`, which resolves
 * the name) and at every call (`lookup`, passed to http.request, validates the addresses the connection will really
 * use — a name that later resolves to a private address is refused, DNS rebinding included). With `allowLoopback`,
 * plain http and loopback addresses are accepted too (nothing else: private ranges stay refused).
 */
export class CrmUrlPolicy {
  constructor(private readonly options: CrmUrlPolicyOptions) {}

  /** Why this address may not be called, or null. */
  addressProblem(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.options.allowLoopback && LOOPBACK.check(address, type)) return null;
    const mapped = family === 6 ? mappedIpv4(address) : null;
    if (mapped) return this.addressProblem(mapped) && `${address} is not a public address`;
    return NON_PUBLIC.check(address, type) ? `${address} is not a public address` : null;
  }

  /** Scheme and literal-host checks that need no DNS. Throws CrmUrlRefusedError. */
  assertShape(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CrmUrlRefusedError('not an absolute URL');
    }
    const host = hostOf(url);
    const loopbackHost = host === 'localhost' || (isIP(host) !== 0 && LOOPBACK.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6'));
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.options.allowLoopback && loopbackHost)) {
      throw new CrmUrlRefusedError('must use https');
    }
    if (url.username || url.password) throw new CrmUrlRefusedError('must not carry a user name or password');
    if (isIP(host) !== 0) {
      const problem = this.addressProblem(host);
      if (problem) throw new CrmUrlRefusedError(problem);
    }
    return url;
  }

  /** Full save-time check: shape, then every address the host resolves to (a lookup slower than `timeoutMs` fails). */
  async assertAllowed(raw: string, timeoutMs = 10_000): Promise<URL> {
    const url = this.assertShape(raw);
    const host = hostOf(url);
    if (isIP(host) !== 0) return url;
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CrmHostUnresolvedError(host, new Error(`no DNS answer within ${timeoutMs} ms`))), timeoutMs);
      dnsLookup(host, { all: true }, (err, result) => {
        clearTimeout(timer);
        if (err) reject(new CrmHostUnresolvedError(host, err));
        else resolve(result);
      });
    });
    for (const { address } of addresses) {
      const problem = this.addressProblem(address);
      if (problem) throw new CrmUrlRefusedError(`${host} resolves to ${problem}`);
    }
    return url;
  }

  /** A `lookup` for http(s).request that refuses names resolving to any address the policy forbids. */
  readonly lookup = (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    dnsLookup(hostname, { all: true, family: opts.family }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const problem = this.addressProblem(address);
        if (problem) return callback(Object.assign(new CrmUrlRefusedError(`${hostname} resolves to ${problem}`), { code: 'ECRMURLREFUSED' }), '', 0);
      }
      if (opts.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** URL hostname without IPv6 brackets, lower case. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
