import {
  ChannelConfigData,
  ChannelHealthData,
  ContractViolationCode,
  ContractViolationError,
  createEnvelope,
  CrmEventData,
  decodeEnvelope,
  decodeKnownEnvelope,
  encodeEnvelope,
  EVENT_DATA_CLASSES,
  EventEnvelope,
  InboundAttachment,
  InboundMessageData,
  InboundSender,
  isContractViolationError,
  isTombstone,
  MessageStatusData,
  OutboundAttachment,
  OutboundMessageData,
  parseJsonValue,
  type RawValue,
} from './index';
import {
  ACCOUNT_ID,
  CHANNEL_ID,
  channelConfig,
  channelHealth,
  crmEvent,
  DIALOG_ID,
  inboundFull,
  inboundText,
  messageStatus,
  outbound,
} from './test-fixtures';

const ENV_ID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

function envelopeJson(type: string, data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ENV_ID,
    type,
    version: 1,
    occurredAt: '2026-03-01T10:15:31.000Z',
    accountId: ACCOUNT_ID,
    channelId: CHANNEL_ID,
    data,
    ...extra,
  };
}

const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

/** Runs fn, asserts it throws a ContractViolationError with `code`, returns it. */
function violation(fn: () => unknown, code: ContractViolationCode): ContractViolationError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ContractViolationError);
  const err = caught as ContractViolationError;
  expect(err.code).toBe(code);
  return err;
}

const paths = (err: ContractViolationError): string[] => err.details.map((d) => d.path);

function constraintsAt(err: ContractViolationError, path: string): string[] {
  return err.details.filter((d) => d.path === path).flatMap((d) => Object.keys(d.constraints));
}

describe('round trip encode → decode', () => {
  const cases = [
    ['message.inbound (text)', 'message.inbound', inboundText(), InboundMessageData],
    ['message.inbound (all optional fields)', 'message.inbound', inboundFull(), InboundMessageData],
    ['message.outbound', 'message.outbound', outbound(), OutboundMessageData],
    ['message.status', 'message.status', messageStatus(), MessageStatusData],
    ['channel.health', 'channel.health', channelHealth(), ChannelHealthData],
    ['channel.config', 'channel.config', channelConfig(), ChannelConfigData],
    ['crm.event', 'crm.event', crmEvent(), CrmEventData],
  ] as const;

  it.each(cases)('%s', (_name, type, data, cls) => {
    const env = createEnvelope(type, data as never, { accountId: ACCOUNT_ID, channelId: CHANNEL_ID });
    const raw = encodeEnvelope(env);
    expect(Buffer.isBuffer(raw)).toBe(true);

    const decoded = decodeEnvelope(raw, cls as never) as EventEnvelope<object>;
    expect(decoded).toBeInstanceOf(EventEnvelope);
    expect(decoded.data).toBeInstanceOf(cls);
    // Exactly the same JSON comes back: nothing dropped, nothing added.
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(raw.toString('utf8')));
    expect(decoded.data).toEqual(expect.objectContaining(data as object));
    expect(decoded).toMatchObject({ id: env.id, type, version: 1, accountId: ACCOUNT_ID, channelId: CHANNEL_ID });

    // The registry picks the same class.
    const known = decodeKnownEnvelope(raw);
    expect(known.type).toBe(type);
    expect(known.data).toBeInstanceOf(EVENT_DATA_CLASSES[type]);
  });

  it('instantiates nested classes (sender, attachments)', () => {
    const env = decodeEnvelope(encodeEnvelope(createEnvelope('message.inbound', inboundFull(), {
      accountId: ACCOUNT_ID,
      channelId: CHANNEL_ID,
    })), InboundMessageData);
    expect(env.data.sender).toBeInstanceOf(InboundSender);
    expect(env.data.attachments).toHaveLength(2);
    expect(env.data.attachments[0]).toBeInstanceOf(InboundAttachment);
    expect(env.data.attachments[0].size).toBe(2048);
  });

  it('keeps outbound attachments as OutboundAttachment instances', () => {
    const raw = encodeEnvelope(createEnvelope('message.outbound', outbound(), { accountId: ACCOUNT_ID, channelId: CHANNEL_ID }));
    const env = decodeEnvelope(raw, OutboundMessageData);
    expect(env.data.attachments?.[0]).toBeInstanceOf(OutboundAttachment);
    expect(env.data.attachments?.[0].url).toBe('https://files.example.com/price.pdf');
  });

  it('decodeKnownEnvelope narrows data by type', () => {
    const env = decodeKnownEnvelope(bytes(envelopeJson('message.status', messageStatus())));
    if (env.type !== 'message.status') throw new Error(`unexpected type ${env.type}`);
    // compile-time narrowing: data is MessageStatusData here
    const status: string = env.data.status;
    expect(status).toBe('delivered');
  });

  it('accepts a string value as well as a Buffer', () => {
    const env = decodeEnvelope(JSON.stringify(envelopeJson('channel.health', channelHealth())), ChannelHealthData);
    expect(env.data.status).toBe('needs-reauth');
  });
});

describe('invalid JSON', () => {
  it.each([
    ['truncated', Buffer.from('{"id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","type":', 'utf8')],
    ['not JSON at all', Buffer.from('hello', 'utf8')],
    // `{"a":"<0xff>"}` would parse if decoded leniently (U+FFFD); it must be refused as not UTF-8
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
  ])('%s → INVALID_JSON', (_name, raw) => {
    const err = violation(() => decodeEnvelope(raw, InboundMessageData), ContractViolationCode.InvalidJson);
    expect(err.message).toMatch(/^INVALID_JSON/);
    expect(isContractViolationError(err)).toBe(true);
    violation(() => decodeKnownEnvelope(raw), ContractViolationCode.InvalidJson);
  });
});

describe('tombstones and empty values', () => {
  it.each<[string, RawValue]>([
    ['null (tombstone)', null],
    ['undefined', undefined],
    ['empty buffer', Buffer.alloc(0)],
  ])('%s → EMPTY_VALUE', (_name, raw) => {
    violation(() => decodeEnvelope(raw, ChannelConfigData), ContractViolationCode.EmptyValue);
    violation(() => decodeKnownEnvelope(raw), ContractViolationCode.EmptyValue);
  });

  it('isTombstone is true only for null/undefined', () => {
    expect(isTombstone(null)).toBe(true);
    expect(isTombstone(Buffer.from('{}'))).toBe(false);
  });
});

describe('schema violations', () => {
  it('rejects a non-object JSON value', () => {
    for (const v of ['[]', '42', '"x"', 'null']) {
      const err = violation(() => decodeEnvelope(Buffer.from(v), InboundMessageData), ContractViolationCode.SchemaInvalid);
      expect(paths(err)).toEqual(['']);
    }
  });

  it('missing required envelope field → path of that field', () => {
    const env = envelopeJson('message.inbound', inboundText());
    delete env.accountId;
    const err = violation(() => decodeEnvelope(bytes(env), InboundMessageData), ContractViolationCode.SchemaInvalid);
    expect(paths(err)).toEqual(['accountId']);
    expect(err.eventType).toBe('message.inbound');
    expect(err.message).toContain('accountId');
  });

  it('bad envelope scalars are each reported', () => {
    const env = envelopeJson('message.inbound', inboundText(), {
      id: 'not-a-uuid',
      version: 0,
      occurredAt: '2026-03-01 10:15',
      channelId: 'nope',
    });
    const err = violation(() => decodeEnvelope(bytes(env), InboundMessageData), ContractViolationCode.SchemaInvalid);
    expect(paths(err).sort()).toEqual(['channelId', 'id', 'occurredAt', 'version']);
  });

  it('version must be an integer', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', inboundText(), { version: 1.5 })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(constraintsAt(err, 'version')).toContain('isInt');
  });

  it('missing required data field → data.<field>', () => {
    const data: Partial<InboundMessageData> = inboundText();
    delete data.externalChatId;
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', data)), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.externalChatId']);
  });

  it('missing data → data', () => {
    const env = envelopeJson('message.inbound', undefined);
    const err = violation(() => decodeEnvelope(bytes(env), InboundMessageData), ContractViolationCode.SchemaInvalid);
    expect(paths(err)).toEqual(['data']);
  });

  it('data that is not an object → data', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', ['x'])), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data']);
  });

  it('wrong enum value → data.kind', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), kind: 'gif' })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.kind']);
    expect(constraintsAt(err, 'data.kind')).toEqual(['isIn']);
  });

  it('wrong channelType / event enums', () => {
    const err = violation(
      () =>
        decodeEnvelope(
          bytes(envelopeJson('message.inbound', { ...inboundText(), channelType: 'icq', event: 'created' })),
          InboundMessageData,
        ),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err).sort()).toEqual(['data.channelType', 'data.event']);
  });

  it('unknown field in the envelope → forbidden', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', inboundText(), { extra: 1 })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['extra']);
    expect(constraintsAt(err, 'extra')).toEqual(['whitelistValidation']);
  });

  it('unknown field in data → forbidden', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), foo: 'bar' })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.foo']);
    expect(constraintsAt(err, 'data.foo')).toEqual(['whitelistValidation']);
  });

  it('unknown field in a nested class (sender) → forbidden with its path', () => {
    const data = { ...inboundText(), sender: { externalUserId: '1', isBot: false } };
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', data)), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.sender.isBot']);
  });

  it('nested attachment validation reports the item index', () => {
    const data = {
      ...inboundText(),
      attachments: [
        { kind: 'image', platformFileId: 'ok' },
        { kind: 'hologram', size: -1, thumb: 'x' },
      ],
    };
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', data)), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err).sort()).toEqual([
      'data.attachments[1].kind',
      'data.attachments[1].platformFileId',
      'data.attachments[1].size',
      'data.attachments[1].thumb',
    ]);
    expect(constraintsAt(err, 'data.attachments[1].size')).toContain('min');
  });

  it('attachments must be an array of objects', () => {
    for (const attachments of [{ kind: 'image', platformFileId: 'x' }, ['x'], undefined]) {
      const err = violation(
        () => decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), attachments })), InboundMessageData),
        ContractViolationCode.SchemaInvalid,
      );
      expect(paths(err).every((p) => p.startsWith('data.attachments'))).toBe(true);
      expect(err.details.length).toBeGreaterThan(0);
    }
  });

  it('sender must be a single object, not an array', () => {
    const data = { ...inboundText(), sender: [{ externalUserId: '1' }] };
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', data)), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(constraintsAt(err, 'data.sender')).toContain('isObject');
  });

  it('null for an optional field is rejected (omit it instead)', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), replyToExternalMessageId: null })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.replyToExternalMessageId']);
  });

  it('collects envelope and data errors together', () => {
    const env = envelopeJson('message.inbound', { ...inboundText(), kind: 'nope' }, { accountId: 'x' });
    const err = violation(() => decodeEnvelope(bytes(env), InboundMessageData), ContractViolationCode.SchemaInvalid);
    expect(paths(err).sort()).toEqual(['accountId', 'data.kind']);
  });
});

describe('free-form objects', () => {
  it('unknown keys inside context are allowed and preserved', () => {
    const context = { avito: { itemId: 1, extra: { deep: [1, { x: null }] } }, 'weird key': true };
    const env = decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), context })), InboundMessageData);
    expect(env.data.context).toEqual(context);
  });

  it('context must be an object', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('message.inbound', { ...inboundText(), context: 'avito' })), InboundMessageData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.context']);
  });

  it('a __proto__ key cannot change prototypes', () => {
    const raw = Buffer.from(
      JSON.stringify(envelopeJson('message.inbound', inboundText())).replace(
        '"attachments":[]',
        '"attachments":[],"context":{"__proto__":{"polluted":true},"ok":1}',
      ),
    );
    const env = decodeEnvelope(raw, InboundMessageData);
    expect(env.data.context).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(env.data.context)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parseJsonValue drops __proto__ keys spelled with unicode escapes too', () => {
    const parsed = parseJsonValue('{"a":{"\\u005f\\u005fproto__":{"polluted":true},"b":1},"__pr\\u006fto__":{"c":2}}') as Record<string, Record<string, unknown>>;
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(parsed.a, '__proto__')).toBe(false);
    expect(parsed.a.b).toBe(1);
  });

  it('parseJsonValue drops __proto__ keys (no own __proto__ property survives parsing)', () => {
    const parsed = parseJsonValue('{"a":{"__proto__":{"polluted":true},"b":1},"__proto__":{"c":2}}') as Record<string, Record<string, unknown>>;
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(parsed.a, '__proto__')).toBe(false);
    expect(parsed.a).toEqual({ b: 1 });
  });

  it('unknown keys inside channel settings are allowed', () => {
    const data = { ...channelConfig(), settings: { allowedOrigins: ['https://shop.example'], whatever: { a: 1 } } };
    const env = decodeEnvelope(bytes(envelopeJson('channel.config', data)), ChannelConfigData);
    expect(env.data.settings).toEqual(data.settings);
  });
});

describe('type ↔ class', () => {
  it('decodeEnvelope rejects a known type decoded with the wrong class', () => {
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('channel.health', channelHealth())), MessageStatusData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['type']);
    expect(err.message).toContain('message.status');
  });

  it('decodeKnownEnvelope: unknown type → UNKNOWN_EVENT_TYPE', () => {
    const err = violation(
      () => decodeKnownEnvelope(bytes(envelopeJson('message.reaction', { emoji: '👍' }))),
      ContractViolationCode.UnknownEventType,
    );
    expect(err.eventType).toBe('message.reaction');
  });

  it('decodeKnownEnvelope: missing type → SCHEMA_INVALID at type', () => {
    const env = envelopeJson('x', inboundText());
    delete env.type;
    const err = violation(() => decodeKnownEnvelope(bytes(env)), ContractViolationCode.SchemaInvalid);
    expect(paths(err)).toContain('type');
  });

  it('decodeKnownEnvelope validates data with the registered class', () => {
    const err = violation(
      () => decodeKnownEnvelope(bytes(envelopeJson('crm.event', { ...crmEvent(), kind: 'lead.deleted' }))),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.kind']);
  });

  it('a custom type can be decoded with an explicit class', () => {
    const env = decodeEnvelope(bytes(envelopeJson('test.health', channelHealth())), ChannelHealthData);
    expect(env.data).toBeInstanceOf(ChannelHealthData);
  });
});

describe('envelope invariants', () => {
  it('channel-scoped types require channelId', () => {
    const env = envelopeJson('message.inbound', inboundText());
    delete env.channelId;
    const err = violation(() => decodeEnvelope(bytes(env), InboundMessageData), ContractViolationCode.SchemaInvalid);
    expect(paths(err)).toEqual(['channelId']);
  });

  it('crm events do not require channelId', () => {
    const env = envelopeJson('crm.event', crmEvent());
    delete env.channelId;
    expect(decodeEnvelope(bytes(env), CrmEventData).data.dialogId).toBe(DIALOG_ID);
  });

  it('channel.config data must match the envelope channel and account', () => {
    const data = { ...channelConfig(), accountId: '11111111-1111-4111-8111-111111111111' };
    const err = violation(
      () => decodeEnvelope(bytes(envelopeJson('channel.config', data)), ChannelConfigData),
      ContractViolationCode.SchemaInvalid,
    );
    expect(paths(err)).toEqual(['data.accountId']);
    const other = envelopeJson('channel.config', channelConfig(), { channelId: '22222222-2222-4222-8222-222222222222' });
    expect(paths(violation(() => decodeEnvelope(bytes(other), ChannelConfigData), ContractViolationCode.SchemaInvalid))).toEqual([
      'data.channelId',
    ]);
  });
});

describe('encodeEnvelope', () => {
  it('produces the DESIGN §6 JSON shape', () => {
    const env = createEnvelope('message.inbound', inboundText(), {
      accountId: ACCOUNT_ID,
      channelId: CHANNEL_ID,
      id: ENV_ID,
      occurredAt: new Date('2026-03-01T10:15:31.000Z'),
    });
    expect(JSON.parse(encodeEnvelope(env).toString('utf8'))).toEqual({
      id: ENV_ID,
      type: 'message.inbound',
      version: 1,
      occurredAt: '2026-03-01T10:15:31.000Z',
      accountId: ACCOUNT_ID,
      channelId: CHANNEL_ID,
      data: inboundText(),
    });
  });

  it('refuses to encode an invalid envelope by default', () => {
    const bad = createEnvelope('message.inbound', { ...inboundText(), kind: 'gif' as never }, {
      accountId: ACCOUNT_ID,
      channelId: CHANNEL_ID,
    });
    const err = violation(() => encodeEnvelope(bad), ContractViolationCode.SchemaInvalid);
    expect(paths(err)).toEqual(['data.kind']);
  });

  it('refuses an invalid accountId even for an unregistered type', () => {
    const bad = createEnvelope('custom.thing', { a: 1 }, { accountId: 'nope' });
    expect(paths(violation(() => encodeEnvelope(bad), ContractViolationCode.SchemaInvalid))).toEqual(['accountId']);
  });

  it('validate:false encodes anyway (for DLQ tests)', () => {
    const bad = createEnvelope('message.inbound', { ...inboundText(), kind: 'gif' as never }, {
      accountId: ACCOUNT_ID,
      channelId: CHANNEL_ID,
    });
    const raw = encodeEnvelope(bad, { validate: false });
    violation(() => decodeEnvelope(raw, InboundMessageData), ContractViolationCode.SchemaInvalid);
  });

  it('validates with an explicit dataClass for unregistered types', () => {
    const env = createEnvelope('custom.health', { status: 'broken', at: 'now' }, { accountId: ACCOUNT_ID });
    const err = violation(() => encodeEnvelope(env, { dataClass: ChannelHealthData }), ContractViolationCode.SchemaInvalid);
    expect(paths(err).sort()).toEqual(['data.at', 'data.status']);
  });
});
