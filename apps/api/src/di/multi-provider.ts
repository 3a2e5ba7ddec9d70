import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../config/api.config';

/**
 * A multi-provider for Nest (which has none built in): each factory becomes its own provider, and `token` resolves to
 * the array of all of them. Registering one more implementation of a port = one more factory in the list.
 */
export function multiProvider<T>(token: symbol, factories: ReadonlyArray<(config: ApiConfig) => T>): Provider[] {
  const tokens = factories.map((_, i) => Symbol(`${token.description ?? 'multi'}#${i}`));
  return [
    ...factories.map((factory, i) => ({ provide: tokens[i], inject: [SERVICE_CONFIG], useFactory: factory })),
    { provide: token, inject: tokens, useFactory: (...items: T[]) => items },
  ];
}
