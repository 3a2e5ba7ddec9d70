import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** Why a platform file could not be opened: gone (→ 404 for the agent), refused (not the platform's URL), unreachable. */
export class PlatformFileError extends Error {
  constructor(
    readonly reason: 'not-found' | 'refused' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'PlatformFileError';
  }
}

export interface PlatformFileStream {
  body: Readable;
  size?: number;
  contentType?: string;
}

export interface OpenPlatformFileOptions {
  /** The platform's name in error messages ("VK", "Avito"). */
  platform: string;
  /** Whether a URL (the first and every redirect hop) may be fetched: the platform's own file hosts only (SSRF). */
  allowed: (url: string) => boolean;
  timeoutMs: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 3;

/**
 * Opens a file a platform serves by URL (the URL came from a webhook body) for streaming: a GET whose redirects are
 * followed by hand, at most 3, each hop checked with `allowed` like the URL itself. 403/404/410 → not-found (expired
 * or removed); a URL that is not the platform's → refused; network, timeout, 5xx → unavailable.
 */
export async function openPlatformFile(url: string, options: OpenPlatformFileOptions): Promise<PlatformFileStream> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (!options.allowed(target)) throw new PlatformFileError('refused', `not a ${options.platform} file URL`);
    const res = await get(target, signal, options);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      target = new URL(location, target).toString();
      continue;
    }
    if ([403, 404, 410].includes(res.status)) throw new PlatformFileError('not-found', `${options.platform} answered ${res.status} for the file`);
    if (!res.ok || !res.body) throw new PlatformFileError('unavailable', `${options.platform} answered ${res.status} for the file`);
    const length = res.headers.get('content-length');
    return {
      body: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
      ...(length !== null && /^\d+$/.test(length) ? { size: Number(length) } : {}),
      ...(res.headers.get('content-type') ? { contentType: res.headers.get('content-type')! } : {}),
    };
  }
  throw new PlatformFileError('unavailable', `${options.platform} redirected the file too often`);
}

async function get(url: string, signal: AbortSignal, options: OpenPlatformFileOptions): Promise<Response> {
  try {
    return await (options.fetch ?? fetch)(url, { redirect: 'manual', signal, ...(options.headers ? { headers: options.headers } : {}) });
  } catch (err) {
    const why = (err as Error)?.name === 'TimeoutError' ? 'timeout' : (err as Error)?.message ?? String(err);
    throw new PlatformFileError('unavailable', `${options.platform} file could not be fetched: ${why}`);
  }
}

/** An https URL on one of `hosts` (or a subdomain), without credentials in it. */
export function isHttpsOnHosts(url: string, hosts: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' || target.username || target.password) return false;
  const host = target.hostname.toLowerCase();
  return hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

/** Whether `url` is on the same origin as `base` (a platform API root pointed at a local fake in tests). */
export function isSameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
