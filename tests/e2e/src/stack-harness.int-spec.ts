import { apiService } from '../../../apps/api/src/api.service-definition';
import { leadRoutingService } from '../../../apps/lead-routing/src/lead-routing.service-definition';
import { Stack, startStack } from './stack-harness';

describe('stack harness', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack([
      { name: 'api', definition: apiService as never, routes: ['/api/'] },
      { name: 'lead-routing', definition: leadRoutingService as never },
    ]);
  });
  afterAll(() => stack.close());

  it('routes /api/* through the public origin to the api with a working token, and 404s unknown prefixes', async () => {
    const accountId = await stack.createAccount();
    const me = await stack.request('GET', '/api/v1/me', { token: stack.token(accountId) });
    expect(me.status).toBe(200);
    expect(me.body.accountId).toBe(accountId);
    const nowhere = await stack.request('GET', '/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.code).toBe('NOT_FOUND');
  });
});
