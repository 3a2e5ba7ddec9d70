import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import type { RunningService } from '@crm/service-kit';
import { jsonRequest, type JsonRequestOptions, type JsonResponse } from '@crm/testing';
import type { LeadRoutingHarness } from '../../../../lead-routing/src/testing/lead-routing-harness';
import type { ApiConfig } from '../../config/api.config';
import { startApiInstance } from '../../testing/flow-helpers';

export interface ApiBesideLeadRouting {
  service: RunningService<ApiConfig>;
  token(accountId: string, role?: 'admin' | 'agent'): string;
  request(method: string, path: string, options?: JsonRequestOptions): Promise<JsonResponse>;
  close(): Promise<void>;
}

/**
 * The api in this process on the lead-routing harness's database and topic prefix (real Postgres and Kafka), for
 * tests that compare what the api says or does with what lead-routing then does with a message.
 */
export async function startApiBesideLeadRouting(h: LeadRoutingHarness, envOverrides: NodeJS.ProcessEnv = {}): Promise<ApiBesideLeadRouting> {
  const jwtSecret = `jwt-${randomUUID()}`;
  const service = await startApiInstance({ ...h.env, SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'), AUTH_JWT_SECRET: jwtSecret, PUBLIC_URL: 'http://localhost:8080', ...envOverrides });
  return {
    service,
    token: (accountId, role = 'admin') => sign({ sub: randomUUID(), accountId, role }, jwtSecret, { algorithm: 'HS256', expiresIn: '1h' }),
    request: (method, path, options) => jsonRequest(service.url, method, path, options),
    close: () => service.close(),
  };
}
