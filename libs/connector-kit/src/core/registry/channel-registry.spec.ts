import { randomBytes, randomUUID } from 'node:crypto';
import { HEADER_CHANNEL_TYPE, type ChannelConfigData } from '@crm/contracts';
import { encryptJson, encryptSecret } from '@crm/secrets';
import type { ChannelStatePort, ConnectorChannel } from '../../ports/channel-state.port';
import { ChannelStateRegistry, connectionActions } from './channel-registry';
import { channelStateBuilder } from './channel-state-builder';
import { recordChannelType } from './record-channel-type';

interface VkState extends ConnectorChannel {
  accessToken: string;
  secret: string | null;
}

const key = randomBytes(32);
const port: ChannelStatePort<VkState> = {
  resolve: (base, secrets) => {
    if (typeof secrets.credentials.accessToken !== 'string') throw new Error(`channel ${base.channelId} has no access token`);
    return { ...base, accessToken: secrets.credentials.accessToken, secret: secrets.webhookSecret };
  },
};

function record(channelId: string, patch: Partial<ChannelConfigData> = {}, token = 'vk1.a.token-A'): ChannelConfigData {
  return {
    channelId,
    accountId: '11111111-1111-4111-8111-111111111111',
    type: 'vk',
    name: 'VK сообщество',
    status: 'active',
    settings: { groupId: 42 },
    encryptedSecrets: encryptJson({ accessToken: token }, key),
    webhookSecret: encryptSecret('callback-secret', key),
    revision: 1,
    updatedAt: new Date().toISOString(),
    ...patch,
  };
}

const registry = () => new ChannelStateRegistry<VkState>('vk', channelStateBuilder(key, port));

describe('ChannelStateRegistry', () => {
  it('keeps channels of its type with decrypted credentials; other types are ignored', () => {
    const r = registry();
    const id = randomUUID();
    expect(r.apply(id, record(id))?.after).toMatchObject({ channelId: id, type: 'vk', status: 'active', accessToken: 'vk1.a.token-A', secret: 'callback-secret', settings: { groupId: 42 } });
    const tg = randomUUID();
    expect(r.apply(tg, record(tg, { type: 'telegram' }))).toBeNull();
    expect(r.get(tg)).toBeUndefined();
    expect(r.size).toBe(1);
  });

  it('deactivation keeps the channel but not as active; a tombstone removes it; an unknown tombstone is nothing', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, record(id));
    expect(r.apply(id, record(id, { status: 'inactive', revision: 2 }))).toMatchObject({ before: { status: 'active' }, after: { status: 'inactive' } });
    expect(r.active(id)).toBeUndefined();
    expect(r.apply(id, null)).toMatchObject({ before: { status: 'inactive' } });
    expect(r.get(id)).toBeUndefined();
    expect(r.apply(randomUUID(), null)).toBeNull();
  });

  it('ignores an older revision and an unchanged replay', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, record(id, { revision: 5 }));
    expect(r.apply(id, record(id, { revision: 4, status: 'inactive' }))).toBeNull();
    expect(r.active(id)).toBeDefined();
    expect(r.apply(id, record(id, { revision: 5 }))).toBeNull();
    expect(r.apply(id, record(id, { revision: 6, name: 'renamed' }))).not.toBeNull();
  });

  it('refuses a record it cannot decrypt or the port rejects, keeping what it had', () => {
    const r = registry();
    const id = randomUUID();
    r.apply(id, record(id));
    const foreign = { ...record(id, { revision: 2 }), encryptedSecrets: encryptJson({ accessToken: 'x' }, randomBytes(32)) };
    expect(() => r.apply(id, foreign)).toThrow(/cannot decrypt/);
    expect(() => r.apply(id, record(id, { revision: 3, encryptedSecrets: null }))).toThrow(/no access token/);
    expect(r.active(id)?.accessToken).toBe('vk1.a.token-A');
  });
});

describe('connectionActions', () => {
  const r = registry();
  const id = randomUUID();
  const keyOf = (s: VkState) => `${s.accessToken}|${s.secret}`;
  const created = r.apply(id, record(id))!;

  it('activation connects; deactivation and deletion disconnect the old state', () => {
    expect(connectionActions(created, keyOf)).toEqual({ connect: created.after });
    const off = r.apply(id, record(id, { status: 'inactive', revision: 2 }))!;
    expect(connectionActions(off, keyOf)).toEqual({ disconnect: off.before });
    const on = r.apply(id, record(id, { status: 'active', revision: 3 }))!;
    expect(connectionActions(on, keyOf)).toEqual({ connect: on.after });
    const deleted = r.apply(id, null)!;
    expect(connectionActions(deleted, keyOf)).toEqual({ disconnect: deleted.before });
  });

  it('a new connection key while active: disconnect the old, connect the new; a rename does nothing', () => {
    const other = randomUUID();
    r.apply(other, record(other));
    const rotated = r.apply(other, record(other, { revision: 2 }, 'vk1.a.token-B'))!;
    expect(connectionActions(rotated, keyOf)).toEqual({ disconnect: rotated.before, connect: rotated.after });
    const renamed = r.apply(other, record(other, { revision: 3, name: 'x' }, 'vk1.a.token-B'))!;
    expect(connectionActions(renamed, keyOf)).toEqual({});
  });

  it('a channel created in error connects nothing', () => {
    const broken = randomUUID();
    expect(connectionActions(r.apply(broken, record(broken, { status: 'error' }))!, keyOf)).toEqual({});
  });
});

describe('recordChannelType', () => {
  const value = (data: unknown) => Buffer.from(JSON.stringify({ type: 'channel.config', data }));
  it('reads the x-channel-type header first, else peeks data.type / data.channelType; tombstones have none', () => {
    expect(recordChannelType({ [HEADER_CHANNEL_TYPE]: Buffer.from('vk') }, value({ type: 'telegram' }))).toBe('vk');
    expect(recordChannelType({}, value({ type: 'telegram' }))).toBe('telegram');
    expect(recordChannelType(undefined, value({ channelType: 'avito' }))).toBe('avito');
    expect(recordChannelType({}, null)).toBeUndefined();
    expect(recordChannelType({}, Buffer.from('{not json'))).toBeUndefined();
  });
});
