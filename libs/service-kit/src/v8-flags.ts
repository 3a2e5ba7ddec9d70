import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags every service process sets for itself at start (runService), before it serves anything — set here because
 * NODE_OPTIONS (compose, Kubernetes, deploy/services.json's nodeOptions) refuses V8 flags other than the heap sizes,
 * and so that npm start, the benchmarks, the fault suite and the images all run the same heap.
 *
 * `--no-allocation-site-pretenuring`: V8 allocates the objects of an allocation site straight in the old generation
 * once most of them survived a scavenge. A webhook's objects (the parsed body, the request and response, the
 * normalized message, the envelope) all survive one whenever the answers wait on Kafka a little longer — a burst, a
 * broker pause — and the sites stay pretenured afterwards: every call's garbage then lands in the old generation, which
 * connector-vk's 256 MB old space (heap growth factor 1.3) collected with a 4–16 ms mark-compact every 1.3 s, each one
 * a cluster of answers past 25 ms. Without pretenuring they die young: mark-compacts every ~6 s, the connector's CPU at
 * 1,000 webhooks/s 39 % of a core instead of 45–55 %, and ≥ 99 % of the answers within 25 ms (npm run bench:vk).
 */
export const SERVICE_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/** Applies SERVICE_V8_FLAGS to this process (V8 prints a flag it does not know on stderr and goes on without it). */
export function applyServiceV8Flags(set: (flag: string) => void = setFlagsFromString): void {
  for (const flag of SERVICE_V8_FLAGS) set(flag);
}
