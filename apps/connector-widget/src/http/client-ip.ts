import type { IncomingMessage } from 'node:http';

/** Express' compiled "trust proxy" predicate: is the hop at `address` (distance `i` from us) a proxy we trust? */
export type TrustProxy = (address: string, i: number) => boolean;

/**
 * The client address of a raw request (a WebSocket upgrade never reaches Express), by Express' own rule: walk
 * X-Forwarded-For from the nearest hop while the hop is a trusted proxy.
 */
export function clientIp(req: IncomingMessage, trust: TrustProxy): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  const hops = [req.socket.remoteAddress ?? 'unknown', ...forwarded];
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i], i)) i += 1;
  return hops[i];
}
