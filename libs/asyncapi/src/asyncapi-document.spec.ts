import { Parser } from '@asyncapi/parser';
import {
  createEnvelope,
  decodeKnownEnvelope,
  encodeEnvelope,
  EVENT_DATA_CLASSES,
  EVENT_TOPICS,
  eventHeaders,
  type KnownEventType,
  TOPIC_SPECS,
} from '@crm/contracts';
import { DLQ_ERROR_HEADER as MESSAGING_DLQ_ERROR_HEADER } from '@crm/messaging';
import { ACCOUNT_ID, CHANNEL_ID, channelConfig, channelHealth, crmEvent, DIALOG_ID, inboundFull, messageStatus, outbound } from '../../contracts/src/test-fixtures';
import { buildAsyncApiDocument, DEAD_LETTER_MESSAGE, DLQ_ERROR_HEADER, TOMBSTONE_MESSAGE } from './index';
import { AsyncApiRecordValidator, type RecordUnderTest } from './testing/asyncapi-record-validator';

type Json = Record<string, any>;
const PREFIX = 'unit.';
const doc = buildAsyncApiDocument() as Json;
const validator = new AsyncApiRecordValidator(buildAsyncApiDocument(), PREFIX);

const SAMPLES: { [K in KnownEventType]: { data: object; key: string } } = {
  'message.inbound': { data: inboundFull(), key: `${CHANNEL_ID}:${inboundFull().externalChatId}` },
  'message.outbound': { data: outbound(), key: `${CHANNEL_ID}:${outbound().externalChatId}` },
  'message.status': { data: messageStatus(), key: `${CHANNEL_ID}:${messageStatus().externalChatId}` },
  'channel.health': { data: channelHealth(), key: CHANNEL_ID },
  'channel.config': { data: channelConfig(), key: CHANNEL_ID },
  'crm.event': { data: crmEvent(), key: DIALOG_ID },
};

/** x-channel-type, on the types whose producers set it. */
function channelTypeHeader(type: string): Record<string, string> {
  return type === 'channel.config' || type === 'message.outbound' ? { 'x-channel-type': 'telegram' } : {};
}

/** A record as a producer of ours writes it: the codec's bytes (validated) and eventHeaders. */
function produced(type: KnownEventType, mutate: (envelope: Json) => void = () => undefined, extraHeaders: Record<string, string> = {}): RecordUnderTest {
  const envelope = createEnvelope(type, SAMPLES[type].data as never, { accountId: ACCOUNT_ID, channelId: CHANNEL_ID }) as unknown as Json;
  const value = JSON.parse(encodeEnvelope(envelope as never).toString('utf8')) as Json;
  mutate(value);
  return {
    topic: `${PREFIX}${EVENT_TOPICS[type]}`,
    key: SAMPLES[type].key,
    value: Buffer.from(JSON.stringify(value)),
    headers: { ...eventHeaders(envelope as never), ...extraHeaders },
  };
}

describe('buildAsyncApiDocument', () => {
  it('is a valid AsyncAPI 3.0 document: the parser reports no error and no warning', async () => {
    const { document, diagnostics } = await new Parser().parse(doc as never);
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().length).toBe(TOPIC_SPECS.length);
  });

  it('has a channel per topic of TOPIC_SPECS, addressed {prefix}<base name>, with its partitions and cleanup policy', () => {
    for (const spec of TOPIC_SPECS) {
      const channel = Object.values(doc.channels as Json).find((c) => c.address === `{prefix}${spec.name}`);
      expect([spec.name, channel?.bindings.kafka.partitions, channel?.bindings.kafka.topicConfiguration['cleanup.policy']]).toEqual([spec.name, spec.partitions, [spec.compacted ? 'compact' : 'delete']]);
      expect(channel.parameters.prefix).toEqual({ $ref: '#/components/parameters/prefix' });
      if (spec.dlq) expect(Object.keys(channel.messages)).toEqual([DEAD_LETTER_MESSAGE]);
    }
    expect(doc.components.parameters.prefix.description).toMatch(/KAFKA_TOPIC_PREFIX/);
  });

  it('puts every event type of the registry on its topic, with its data class as payload and x-event-type = the type', () => {
    for (const [type, cls] of Object.entries(EVENT_DATA_CLASSES)) {
      const topic = EVENT_TOPICS[type as KnownEventType];
      const channel = Object.values(doc.channels as Json).find((c) => c.address === `{prefix}${topic}`);
      const refs = Object.values(channel.messages as Json).map((m) => m.$ref.split('/').pop());
      const message = refs.map((id: string) => doc.components.messages[id]).find((m: Json) => m.name === type);
      expect([type, topic, message?.name]).toEqual([type, topic, type]);
      expect(message.headers.properties['x-event-type'].const).toBe(type);
      expect(message.payload.allOf[1].properties.data.$ref).toBe(`#/components/schemas/${cls.name}`);
      expect(doc.components.schemas[cls.name]).toBeDefined();
    }
    const config = Object.values(doc.channels as Json).find((c) => c.address === '{prefix}channels.config.v1');
    expect(Object.keys(config.messages)).toContain(TOMBSTONE_MESSAGE);
  });

  it('names who sends and who receives each data topic, every operation pointing at messages of its own channel', () => {
    const ops = Object.values(doc.operations as Json);
    for (const spec of TOPIC_SPECS.filter((s) => !s.dlq)) {
      const channelRef = `#/channels/${Object.entries(doc.channels as Json).find(([, c]) => c.address === `{prefix}${spec.name}`)![0]}`;
      const mine = ops.filter((o) => o.channel.$ref === channelRef);
      expect([spec.name, mine.some((o) => o.action === 'send'), mine.some((o) => o.action === 'receive')]).toEqual([spec.name, true, true]);
      for (const op of mine) for (const m of op.messages) expect(m.$ref.startsWith(`${channelRef}/messages/`)).toBe(true);
    }
    const inbound = ops.filter((o) => o.channel.$ref === '#/channels/ChannelsInboundV1' && o.action === 'receive').flatMap((o) => o.tags.map((t: Json) => t.name));
    expect(inbound).toEqual(expect.arrayContaining(['lead-routing', 'connector-widget']));
    const dlq = ops.find((o) => o.channel.$ref === '#/channels/ChannelsInboundV1DlqV1');
    expect(dlq.tags.map((t: Json) => t.name)).toContain('lead-routing');
  });

  it("unknownFields 'strip' gives the consumer-side variant: open objects, so a newer producer's field passes", () => {
    const open = buildAsyncApiDocument({ unknownFields: 'strip' }) as Json;
    expect(Object.values(open.components.schemas as Json).filter((schema) => schema.additionalProperties === false)).toEqual([]);
    const tolerant = new AsyncApiRecordValidator(open as never, PREFIX);
    expect(tolerant.validate(produced('message.inbound', (e) => (e.data.sender.nickname = 'x'))).problems).toEqual([]);
    expect(validator.validate(produced('message.inbound', (e) => (e.data.sender.nickname = 'x'))).problems).not.toEqual([]);
  });

  it('uses the dead-letter header of @crm/messaging', () => {
    expect(DLQ_ERROR_HEADER).toBe(MESSAGING_DLQ_ERROR_HEADER);
  });
});

describe('the schemas agree with the codec (derived from the same class-validator metadata)', () => {
  it.each(Object.keys(SAMPLES))('accepts what the codec produces: %s', (type) => {
    const extra = channelTypeHeader(type);
    expect(validator.validate(produced(type as KnownEventType, undefined, extra)).problems).toEqual([]);
  });

  it.each<[string, KnownEventType, (e: Json) => void, RegExp]>([
    ['an unknown envelope field', 'message.inbound', (e) => (e.extra = 1), /^value must NOT have additional properties .*extra/],
    ['an unknown nested field', 'message.inbound', (e) => (e.data.sender.nickname = 'x'), /^value\/data\/sender must NOT have additional properties .*nickname/],
    ['a missing required field', 'message.status', (e) => delete e.data.at, /must have required property 'at'/],
    ['a null optional field (Optional() is strict)', 'message.inbound', (e) => (e.data.replyToExternalMessageId = null), /replyToExternalMessageId must be string/],
    ['a value outside an enum', 'crm.event', (e) => (e.data.kind = 'client.exploded'), /\/data\/kind must be equal to one of the allowed values/],
    ['a fractional integer', 'channel.config', (e) => (e.data.revision = 1.5), /\/data\/revision must be integer/],
    ['a wrong type for the registered data', 'channel.health', (e) => (e.type = 'message.status'), /\/type must be equal to constant/],
    ['a missing channelId where the type needs it', 'message.outbound', (e) => delete e.channelId, /required property 'channelId'/],
    ['a bad nested array item', 'message.inbound', (e) => (e.data.attachments[0].kind = 'hologram'), /\/data\/attachments\/0\/kind/],
    ['a date without a zone', 'channel.health', (e) => (e.data.at = '2026-01-31T12:00:00'), /\/data\/at must match format "date-time"/],
  ])('rejects %s', (_name, type, mutate, problem) => {
    const extra = channelTypeHeader(type);
    const record = produced(type, mutate, extra);
    expect(validator.validate(record).problems.join('\n')).toMatch(problem);
  });

  it('accepts null where the class lets a null skip validation (encryptedSecrets, webhookSecret), and nowhere else', () => {
    const extra = { 'x-channel-type': 'telegram' };
    expect(validator.validate(produced('channel.config', (e) => Object.assign(e.data, { encryptedSecrets: null, webhookSecret: null }), extra)).problems).toEqual([]);
    expect(validator.validate(produced('channel.config', (e) => delete e.data.encryptedSecrets, extra)).problems.join()).toMatch(/required property 'encryptedSecrets'/);
    expect(validator.validate(produced('channel.config', (e) => (e.data.name = null), extra)).problems.join()).toMatch(/\/data\/name must be string/);
  });

  // Conditional requirements (ValidateIf) become if/then rules; the verdict must be the codec's own, either way.
  it.each<[string, KnownEventType, (e: Json) => void, boolean]>([
    ['a failed status without errorCode', 'message.status', (e) => Object.assign(e.data, { status: 'failed', errorCode: undefined }), false],
    ['a failed status with errorCode', 'message.status', (e) => Object.assign(e.data, { status: 'failed', errorCode: 'TELEGRAM_BOT_BLOCKED' }), true],
    ['a sent status without errorCode', 'message.status', (e) => Object.assign(e.data, { status: 'sent', errorCode: undefined }), true],
    ['client.created without clientId', 'crm.event', (e) => (e.data = { kind: 'client.created', dialogId: DIALOG_ID }), false],
    ['dialog.opened with only dialogId', 'crm.event', (e) => (e.data = { kind: 'dialog.opened', dialogId: DIALOG_ID }), true],
    ['message.status without status', 'crm.event', (e) => (e.data = { kind: 'message.status', dialogId: DIALOG_ID, messageId: DIALOG_ID }), false],
    ['a new text message without text', 'message.inbound', (e) => Object.assign(e.data, { kind: 'text', event: 'new', text: undefined }), false],
    ['a deleted text message without text', 'message.inbound', (e) => Object.assign(e.data, { kind: 'text', event: 'delete', text: undefined }), true],
    ['a new location message without location', 'message.inbound', (e) => Object.assign(e.data, { kind: 'location', event: 'new', location: undefined }), false],
    ['an outbound attachment with neither url nor platformFileId', 'message.outbound', (e) => (e.data.attachments = [{ kind: 'image' }]), false],
    ['an outbound attachment with only platformFileId', 'message.outbound', (e) => (e.data.attachments = [{ kind: 'image', platformFileId: 'AgAD' }]), true],
  ])('agrees with the codec on %s', (_name, type, mutate, valid) => {
    const record = produced(type, (e) => {
      mutate(e);
      e.data = JSON.parse(JSON.stringify(e.data));
    }, channelTypeHeader(type));
    const codecAccepts = (() => {
      try {
        decodeKnownEnvelope(record.value);
        return true;
      } catch {
        return false;
      }
    })();
    expect([codecAccepts, validator.validate(record).problems.length === 0]).toEqual([valid, valid]);
  });

  it('checks headers and keys: the event type header, the channel-type header, the key format', () => {
    expect(validator.validate({ ...produced('message.inbound'), headers: { 'x-event-type': 'message.inbound' } }).problems.join()).toMatch(/required property 'x-correlation-id'/);
    expect(validator.validate(produced('message.outbound', undefined, { 'x-channel-type': 'fax' })).problems.join()).toMatch(/x-channel-type must be equal to one of the allowed values/);
    expect(validator.validate(produced('message.inbound', undefined, { 'x-surprise': '1' })).problems.join()).toMatch(/^headers must NOT have additional properties .*x-surprise/);
    expect(validator.validate({ ...produced('message.inbound'), key: CHANNEL_ID }).problems.join()).toMatch(/^key must match pattern/);
  });

  it('chooses the message by x-event-type: an unknown type or topic has none', () => {
    expect(validator.validate({ ...produced('message.inbound'), headers: { 'x-event-type': 'message.teleported', 'x-correlation-id': 'c' } }).problems.join()).toMatch(/0 messages of the document fit/);
    expect(validator.validate({ ...produced('message.inbound'), topic: 'unit.channels.secret.v1' }).problems.join()).toMatch(/has no channel/);
    expect(validator.validate({ ...produced('message.inbound'), topic: 'other.channels.inbound.v1' }).problems.join()).toMatch(/has no channel/);
  });

  it('validates config tombstones and dead letters', () => {
    const tombstone = { topic: `${PREFIX}channels.config.v1`, key: CHANNEL_ID, value: null, headers: { 'x-event-type': 'channel.config', 'x-correlation-id': 'c' } };
    expect(validator.validate(tombstone)).toEqual({ message: `ChannelsConfigV1/${TOMBSTONE_MESSAGE}`, problems: [] });
    const deadLetter = {
      topic: `${PREFIX}channels.inbound.v1.dlq.v1`,
      key: null,
      value: Buffer.from(JSON.stringify({ originalTopic: `${PREFIX}channels.inbound.v1`, partition: 0, offset: '7', key: null, error: { name: 'ContractViolationError', message: 'bad', code: 'INVALID_JSON' }, attempts: -1, failedAt: new Date().toISOString(), payload: '{', payloadEncoding: 'utf8' })),
      headers: { 'x-event-type': 'message.inbound', [DLQ_ERROR_HEADER]: 'INVALID_JSON' },
    };
    // A negative attempt count is below the contract's minimum (0: a decode error, dead-lettered at once).
    expect(validator.validate(deadLetter).problems.join()).toMatch(/\/attempts must be >= 0/);
    const fixed = { ...deadLetter, value: Buffer.from(deadLetter.value.toString().replace('"attempts":-1', '"attempts":0')) };
    expect(validator.validate(fixed)).toEqual({ message: `ChannelsInboundV1DlqV1/${DEAD_LETTER_MESSAGE}`, problems: [] });
  });
});
