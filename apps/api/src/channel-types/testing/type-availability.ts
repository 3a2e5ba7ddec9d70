import type { INestApplicationContext } from '@nestjs/common';
import { ChannelTypeRegistry } from '@crm/channel-types';
import { IntegrationVerifierRegistry } from '@crm/integration-types';

/**
 * Test-only: overrides the `available` flag of the running app's channel-type adapters / integration verifiers (the
 * very DI singletons the use-cases resolve), as each connector's or CRM's issue will flip it in code. Lets tests keep
 * covering what a saved channel or integration of such a type does (masking, 409 duplicates, connection info) while
 * production refuses to create one. Returns a function that restores the previous flags.
 */
export function overrideAvailability(
  app: INestApplicationContext,
  flags: { channelTypes?: Record<string, boolean>; integrationTypes?: Record<string, boolean> },
): () => void {
  const channels = app.get(ChannelTypeRegistry, { strict: false });
  const integrations = app.get(IntegrationVerifierRegistry, { strict: false });
  const targets = [
    ...Object.entries(flags.channelTypes ?? {}).map(([type, available]) => [channels.get(type), available] as const),
    ...Object.entries(flags.integrationTypes ?? {}).map(([type, available]) => [integrations.get(type), available] as const),
  ];
  const previous = targets.map(([target]) => [target, target.available] as const);
  for (const [target, available] of targets) (target as { available: boolean }).available = available;
  return () => {
    for (const [target, available] of previous) (target as { available: boolean }).available = available;
  };
}
