import { resolveVkChannel, VkApiClient } from '@crm/platform-vk';
import { FakeVkServer } from '@crm/testing';
import type { ConnectorVkConfig } from '../config/connector-vk.config';
import { SenderNamesCache } from './sender-names.cache';

describe('SenderNamesCache (against the fake VK API)', () => {
  let vk: FakeVkServer;

  beforeAll(async () => {
    vk = await FakeVkServer.start();
  });
  afterAll(() => vk.close());
  beforeEach(() => vk.clear());

  const setUp = (budgetMs: number) => {
    const community = vk.addCommunity();
    const channel = resolveVkChannel(
      { channelId: `c-${community.groupId}`, accountId: 'a', type: 'vk', name: 'ВК', status: 'active', revision: 1, settings: { groupId: community.groupId } },
      { credentials: { accessToken: community.token }, webhookSecret: 's', secretsKey: Buffer.alloc(32) },
    );
    const cache = new SenderNamesCache(new VkApiClient({ apiUrl: vk.apiUrl, timeoutMs: 3000 }), { VK_NAME_BUDGET_MS: budgetMs } as ConnectorVkConfig);
    return { channel, cache };
  };

  it('gathers concurrent lookups of a community into one users.get call and caches the names', async () => {
    const { channel, cache } = setUp(2000);
    const [a, b] = [vk.addUser({ firstName: 'Анна', lastName: 'Петрова' }), vk.addUser({ firstName: 'Борис', lastName: '' })];
    expect(await Promise.all([cache.nameOf(channel, a.id), cache.nameOf(channel, b.id), cache.nameOf(channel, 424242)])).toEqual(['Анна Петрова', 'Борис', undefined]);
    expect(vk.callsOf('users.get').map((c) => c.params.user_ids)).toEqual([`${a.id},${b.id},424242`]);
    expect(await cache.nameOf(channel, a.id)).toBe('Анна Петрова');
    expect(await cache.nameOf(channel, 424242)).toBeUndefined();
    expect(vk.callsOf('users.get')).toHaveLength(1);
  });

  it('past the budget answers without a name; the late answer fills the cache', async () => {
    const { channel, cache } = setUp(100);
    const user = vk.addUser({ firstName: 'Вера', lastName: 'Сидорова' });
    vk.delayUsersGet(400);
    try {
      expect(await cache.nameOf(channel, user.id)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 600));
      expect(await cache.nameOf(channel, user.id)).toBe('Вера Сидорова');
      expect(vk.callsOf('users.get')).toHaveLength(1);
    } finally {
      vk.delayUsersGet(0);
    }
  });

  it('a failed users.get gives no name and is not retried at once', async () => {
    const { channel, cache } = setUp(2000);
    const user = vk.addUser();
    vk.failNext('users.get', { kind: 'error', code: 10 });
    expect(await cache.nameOf(channel, user.id)).toBeUndefined();
    expect(await cache.nameOf(channel, user.id)).toBeUndefined();
    expect(vk.callsOf('users.get')).toHaveLength(1);
  });
});
