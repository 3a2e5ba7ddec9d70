import {
  BASE_TOPICS,
  channelConfigKey,
  chatKey,
  crmEventKey,
  dlqTopicOf,
  isDlqTopic,
  parseChatKey,
  prefixedTopic,
  prefixedTopicSpecs,
  TOPIC_RETENTION_MS,
  TOPIC_SPECS,
  Topics,
} from './index';

describe('topics', () => {
  it('has the DESIGN §6 base names', () => {
    expect(Topics).toEqual({
      ChannelsConfig: 'channels.config.v1',
      ChannelsInbound: 'channels.inbound.v1',
      ChannelsOutbound: 'channels.outbound.v1',
      ChannelsStatus: 'channels.status.v1',
      CrmEvents: 'crm.events.v1',
    });
    expect(BASE_TOPICS).toHaveLength(5);
  });

  it('dlqTopicOf appends .dlq.v1 and refuses a DLQ of a DLQ', () => {
    expect(dlqTopicOf('channels.inbound.v1')).toBe('channels.inbound.v1.dlq.v1');
    expect(dlqTopicOf('t1-channels.inbound.v1')).toBe('t1-channels.inbound.v1.dlq.v1');
    expect(isDlqTopic('crm.events.v1.dlq.v1')).toBe(true);
    expect(isDlqTopic('crm.events.v1')).toBe(false);
    expect(() => dlqTopicOf('crm.events.v1.dlq.v1')).toThrow(/already a dead-letter/);
  });

  it('prefixedTopic prepends the prefix as is; empty prefix allowed; illegal characters refused', () => {
    expect(prefixedTopic('test-7f3a.', Topics.CrmEvents)).toBe('test-7f3a.crm.events.v1');
    expect(prefixedTopic('', Topics.CrmEvents)).toBe('crm.events.v1');
    expect(prefixedTopic(undefined, Topics.CrmEvents)).toBe('crm.events.v1');
    expect(() => prefixedTopic('bad prefix/', Topics.CrmEvents)).toThrow(/Illegal Kafka topic/);
  });

  it('TOPIC_SPECS: config compacted with 3 partitions, data topics 6, DLQs 1', () => {
    const byName = Object.fromEntries(TOPIC_SPECS.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(
      [...BASE_TOPICS, ...BASE_TOPICS.map((t) => `${t}.dlq.v1`)].sort(),
    );
    expect(byName['channels.config.v1']).toMatchObject({ partitions: 3, compacted: true, dlq: false });
    expect(byName['channels.config.v1'].configEntries).toEqual([{ name: 'cleanup.policy', value: 'compact' }]);
    for (const t of ['channels.inbound.v1', 'channels.outbound.v1', 'channels.status.v1', 'crm.events.v1']) {
      expect(byName[t]).toMatchObject({ partitions: 6, compacted: false, dlq: false });
      expect(byName[t].configEntries).toEqual([{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '604800000' }]);
    }
    for (const t of BASE_TOPICS) {
      expect(byName[`${t}.dlq.v1`]).toMatchObject({ partitions: 1, compacted: false, dlq: true });
    }
  });

  it('TOPIC_SPECS: personal data leaves the data topics after 7 days and the DLQs after 14; channels.config has no time limit', () => {
    const retention = (name: string) => TOPIC_SPECS.find((s) => s.name === name)!.configEntries.find((e) => e.name === 'retention.ms')?.value;
    for (const t of BASE_TOPICS.filter((b) => b !== 'channels.config.v1')) expect([t, retention(t)]).toEqual([t, String(7 * 24 * 3600 * 1000)]);
    for (const t of BASE_TOPICS) expect([t, retention(`${t}.dlq.v1`)]).toEqual([t, String(14 * 24 * 3600 * 1000)]);
    expect(retention('channels.config.v1')).toBeUndefined();
    expect(TOPIC_RETENTION_MS).toEqual({ data: 604_800_000, dlq: 1_209_600_000 });
    // Every non-compacted topic has a deliberate retention (none is left to the broker default).
    expect(TOPIC_SPECS.filter((s) => !s.compacted && retention(s.name) === undefined)).toEqual([]);
  });

  it('prefixedTopicSpecs prefixes every name and keeps the rest', () => {
    const specs = prefixedTopicSpecs('p1.');
    expect(specs.map((s) => s.name)).toEqual(TOPIC_SPECS.map((s) => `p1.${s.name}`));
    expect(specs.find((s) => s.name === 'p1.channels.config.v1')?.compacted).toBe(true);
  });
});

describe('keys', () => {
  it('chatKey / parseChatKey round-trip, chat ids may contain colons', () => {
    const key = chatKey('5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f', 'u2i:abc:1');
    expect(key).toBe('5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f:u2i:abc:1');
    expect(parseChatKey(key)).toEqual({ channelId: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f', externalChatId: 'u2i:abc:1' });
    expect(() => chatKey('', 'x')).toThrow();
    expect(() => chatKey('c', '')).toThrow();
    expect(() => parseChatKey('no-colon')).toThrow();
  });

  it('config and crm keys are the ids', () => {
    expect(channelConfigKey('c1')).toBe('c1');
    expect(crmEventKey('d1')).toBe('d1');
    expect(() => crmEventKey('')).toThrow();
  });
});
