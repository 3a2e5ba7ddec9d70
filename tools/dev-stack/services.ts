import { repoRoot } from '@crm/testing';
import { loadServices, type ServiceEntry } from '../deploy/service-catalog';

export type { ServiceEntry };

/** The deployables (DESIGN §2) and where the public origin routes to them: deploy/services.json, the one list. */
export const SERVICES: ServiceEntry[] = loadServices(repoRoot());
