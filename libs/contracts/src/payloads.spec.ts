import {
  ChannelConfigData,
  ChannelHealthData,
  ContractViolationCode,
  ContractViolationError,
  CrmEventData,
  type DataClass,
  InboundMessageData,
  isIsoDateTime,
  MessageStatusData,
  OutboundMessageData,
  validateContract,
} from './index';
import {
  channelConfig,
  channelHealth,
  CLIENT_ID,
  crmEvent,
  DIALOG_ID,
  inboundText,
  LEAD_ID,
  MESSAGE_ID,
  messageStatus,
  outbound,
} from './test-fixtures';

/** Paths reported for `value` against `cls`; [] when valid. Fails the test on any other kind of error. */
function problems(cls: DataClass, value: unknown): string[] {
  try {
    validateContract(cls, value);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ContractViolationError);
    expect((err as ContractViolationError).code).toBe(ContractViolationCode.SchemaInvalid);
    return (err as ContractViolationError).details.map((d) => d.path).sort();
  }
}

describe('InboundMessageData', () => {
  it('the fixture is valid', () => {
    expect(problems(InboundMessageData, inboundText())).toEqual([]);
  });

  it('kind text requires text for new and edit, not for delete', () => {
    const { text: _t, ...noText } = inboundText();
    expect(problems(InboundMessageData, noText)).toEqual(['text']);
    expect(problems(InboundMessageData, { ...noText, event: 'edit' })).toEqual(['text']);
    expect(problems(InboundMessageData, { ...noText, event: 'delete' })).toEqual([]);
  });

  it('media kinds may omit text (caption is optional)', () => {
    const { text: _t, ...noText } = inboundText();
    expect(problems(InboundMessageData, { ...noText, kind: 'voice', attachments: [{ kind: 'voice', platformFileId: 'v' }] })).toEqual([]);
  });

  it('kind location requires a valid location', () => {
    const base = { ...inboundText(), kind: 'location' };
    expect(problems(InboundMessageData, base)).toEqual(['location']);
    expect(problems(InboundMessageData, { ...base, location: { latitude: 91, longitude: 10 } })).toEqual([
      'location.latitude',
    ]);
    expect(problems(InboundMessageData, { ...base, location: { latitude: '55.7', longitude: 37.6 } })).toEqual([
      'location.latitude',
    ]);
    expect(problems(InboundMessageData, { ...base, location: { latitude: 55.7, longitude: 37.6 } })).toEqual([]);
  });

  it('kind contact requires a contact with a phone', () => {
    const base = { ...inboundText(), kind: 'contact' };
    expect(problems(InboundMessageData, base)).toEqual(['contact']);
    expect(problems(InboundMessageData, { ...base, contact: { firstName: 'A' } })).toEqual(['contact.phone']);
    expect(problems(InboundMessageData, { ...base, contact: { phone: '+79001234567' } })).toEqual([]);
  });

  it('sender needs an externalUserId', () => {
    expect(problems(InboundMessageData, { ...inboundText(), sender: { displayName: 'x' } })).toEqual([
      'sender.externalUserId',
    ]);
    expect(problems(InboundMessageData, { ...inboundText(), sender: { externalUserId: '' } })).toEqual([
      'sender.externalUserId',
    ]);
  });

  it('sender.phoneVerified is optional (older producers omit it) and boolean when present', () => {
    const sender = { externalUserId: '1', phone: '+79001234567' };
    expect(problems(InboundMessageData, { ...inboundText(), sender })).toEqual([]);
    expect(problems(InboundMessageData, { ...inboundText(), sender: { ...sender, phoneVerified: true } })).toEqual([]);
    expect(problems(InboundMessageData, { ...inboundText(), sender: { ...sender, phoneVerified: 'yes' } })).toEqual(['sender.phoneVerified']);
  });

  it('ids must be strings (Telegram int64 ids are sent as text)', () => {
    expect(problems(InboundMessageData, { ...inboundText(), externalChatId: 123456789 })).toEqual(['externalChatId']);
  });

  it('sentAt must be an ISO date-time with a zone', () => {
    for (const sentAt of ['2026-03-01', '2026-03-01T10:15:30', '1740823530', '2026-02-30T10:00:00Z', 'yesterday']) {
      expect(problems(InboundMessageData, { ...inboundText(), sentAt })).toEqual(['sentAt']);
    }
    for (const sentAt of ['2026-03-01T10:15:30Z', '2026-03-01T10:15:30.123+03:00', '2026-03-01T10:15Z']) {
      expect(problems(InboundMessageData, { ...inboundText(), sentAt })).toEqual([]);
    }
  });

  it('attachment size must be a non-negative integer', () => {
    const att = (size: unknown) => ({ ...inboundText(), attachments: [{ kind: 'image', platformFileId: 'f', size }] });
    expect(problems(InboundMessageData, att(1.5))).toEqual(['attachments[0].size']);
    expect(problems(InboundMessageData, att('10'))).toEqual(['attachments[0].size']);
    expect(problems(InboundMessageData, att(0))).toEqual([]);
  });

  it('attachment kind excludes non-file kinds', () => {
    expect(
      problems(InboundMessageData, { ...inboundText(), attachments: [{ kind: 'location', platformFileId: 'f' }] }),
    ).toEqual(['attachments[0].kind']);
  });
});

describe('OutboundMessageData', () => {
  it('the fixture is valid', () => {
    expect(problems(OutboundMessageData, outbound())).toEqual([]);
  });

  it('text must not be blank without attachments, may be empty with them', () => {
    const { attachments: _a, ...noAtt } = outbound();
    expect(problems(OutboundMessageData, { ...noAtt, text: '   ' })).toEqual(['text']);
    expect(problems(OutboundMessageData, { ...noAtt, text: '', attachments: [] })).toEqual(['text']);
    expect(problems(OutboundMessageData, { ...outbound(), text: '' })).toEqual([]);
    expect(problems(OutboundMessageData, { ...outbound(), text: 5 })).toEqual(['text']);
  });

  it('an optional template (WhatsApp) may go with empty text; its name, language and components are checked', () => {
    const { attachments: _a, ...noAtt } = outbound();
    const template = { name: 'order_update', language: 'ru', components: [{ type: 'body', parameters: [{ type: 'text', text: '42' }] }] };
    expect(problems(OutboundMessageData, { ...noAtt, text: '', template })).toEqual([]);
    expect(problems(OutboundMessageData, { ...noAtt, text: '', template: { name: 'Order Update', language: 'russian', components: ['x'] } })).toEqual([
      'template.components',
      'template.language',
      'template.name',
    ]);
  });

  it('messageId and dialogId are uuids', () => {
    expect(problems(OutboundMessageData, { ...outbound(), messageId: '42', dialogId: 'x' })).toEqual([
      'dialogId',
      'messageId',
    ]);
  });

  it('an attachment needs a url or a platformFileId, and the url must be http(s)', () => {
    const withAtt = (a: object) => ({ ...outbound(), attachments: [a] });
    expect(problems(OutboundMessageData, withAtt({ kind: 'image' })).sort()).toEqual([
      'attachments[0].platformFileId',
      'attachments[0].url',
    ]);
    expect(problems(OutboundMessageData, withAtt({ kind: 'image', platformFileId: 'AgAD' }))).toEqual([]);
    expect(problems(OutboundMessageData, withAtt({ kind: 'image', url: 'file:///etc/passwd' }))).toEqual([
      'attachments[0].url',
    ]);
    expect(problems(OutboundMessageData, withAtt({ kind: 'image', url: 'http://fake-files:9000/a.png' }))).toEqual([]);
  });
});

describe('MessageStatusData', () => {
  it('the fixture is valid', () => {
    expect(problems(MessageStatusData, messageStatus())).toEqual([]);
  });

  it('failed requires errorCode', () => {
    expect(problems(MessageStatusData, { ...messageStatus(), status: 'failed' })).toEqual(['errorCode']);
    expect(
      problems(MessageStatusData, { ...messageStatus(), status: 'failed', errorCode: 'TELEGRAM_BOT_BLOCKED', errorMessage: 'Forbidden' }),
    ).toEqual([]);
  });

  it('queued is not a connector-reported status', () => {
    expect(problems(MessageStatusData, { ...messageStatus(), status: 'queued' })).toEqual(['status']);
  });
});

describe('ChannelHealthData', () => {
  it('the fixture is valid and status is an enum', () => {
    expect(problems(ChannelHealthData, channelHealth())).toEqual([]);
    expect(problems(ChannelHealthData, { ...channelHealth(), status: 'broken' })).toEqual(['status']);
    expect(problems(ChannelHealthData, { status: 'active' })).toEqual(['at']);
  });
});

describe('ChannelConfigData', () => {
  it('the fixture is valid; encryptedSecrets may be null; webhookSecret may be null or absent', () => {
    expect(problems(ChannelConfigData, channelConfig())).toEqual([]);
    expect(problems(ChannelConfigData, { ...channelConfig(), encryptedSecrets: null, webhookSecret: null })).toEqual([]);
    const { webhookSecret: _w, ...noHook } = channelConfig();
    expect(problems(ChannelConfigData, noHook)).toEqual([]);
  });

  it('encryptedSecrets is required (null, not absent, when there are none)', () => {
    const { encryptedSecrets: _e, ...rest } = channelConfig();
    expect(problems(ChannelConfigData, rest)).toEqual(['encryptedSecrets']);
  });

  it('never carries plaintext credentials in settings, at any depth', () => {
    expect(problems(ChannelConfigData, { ...channelConfig(), settings: { botToken: '123456789:AAabc' } })).toEqual([
      'settings',
    ]);
    expect(problems(ChannelConfigData, { ...channelConfig(), settings: { a: [{ accessToken: 'x' }] } })).toEqual([
      'settings',
    ]);
    expect(problems(ChannelConfigData, { ...channelConfig(), settings: { appSecret: 'x', clientSecret: 'y' } })).toEqual([
      'settings',
    ]);
    expect(
      problems(ChannelConfigData, {
        ...channelConfig(),
        settings: { allowedOrigins: ['https://a.example'], title: 'Чат', greeting: 'Привет', color: '#f00', groupId: 1, phoneNumberId: '1', clientId: 'c' },
      }),
    ).toEqual([]);
  });

  it('the secret-looking key is named in the message', () => {
    try {
      validateContract(ChannelConfigData, { ...channelConfig(), settings: { nested: { botToken: 'x' } } });
      throw new Error('should have thrown');
    } catch (err) {
      expect((err as Error).message).toContain('nested.botToken');
    }
  });

  it('encryptedSecrets / webhookSecret must look like ciphertext, not plaintext JSON', () => {
    expect(problems(ChannelConfigData, { ...channelConfig(), encryptedSecrets: '{"botToken":"123:AA"}' })).toEqual([
      'encryptedSecrets',
    ]);
    expect(problems(ChannelConfigData, { ...channelConfig(), encryptedSecrets: '' })).toEqual(['encryptedSecrets']);
    expect(problems(ChannelConfigData, { ...channelConfig(), webhookSecret: 'my secret' })).toEqual(['webhookSecret']);
    expect(problems(ChannelConfigData, { ...channelConfig(), encryptedSecrets: { botToken: 'x' } })).toEqual([
      'encryptedSecrets',
    ]);
  });

  it('settings must be an object; revision a non-negative integer; status/type enums', () => {
    expect(
      problems(ChannelConfigData, { ...channelConfig(), settings: null, revision: -1, status: 'paused', type: 'icq' }),
    ).toEqual(['revision', 'settings', 'status', 'type']);
  });
});

describe('CrmEventData', () => {
  it('the fixture is valid', () => {
    expect(problems(CrmEventData, crmEvent())).toEqual([]);
  });

  it.each([
    ['client.created', {}, ['clientId']],
    ['client.created', { clientId: CLIENT_ID }, []],
    ['client.matched', { clientId: CLIENT_ID }, ['matchRule']],
    ['client.matched', { clientId: CLIENT_ID, matchRule: 'email' }, ['matchRule']],
    ['client.erased', {}, ['clientId']],
    ['client.erased', { clientId: CLIENT_ID, leadId: LEAD_ID }, []],
    ['lead.created', {}, ['leadId']],
    ['lead.linked', { leadId: LEAD_ID, clientId: CLIENT_ID }, []],
    ['lead.updated', { leadId: LEAD_ID }, ['leadStatus']],
    ['lead.updated', { leadStatus: 'won' }, ['leadId']],
    ['lead.updated', { leadId: LEAD_ID, leadStatus: 'won', funnelId: LEAD_ID, stageId: LEAD_ID }, []],
    ['lead.updated', { leadId: LEAD_ID, leadStatus: 'closed', stageId: 's' }, ['leadStatus', 'stageId']],
    ['dialog.opened', {}, []],
    ['dialog.closed', {}, []],
    ['message.received', {}, ['messageId']],
    ['message.sent', { messageId: MESSAGE_ID, status: 'queued' }, []],
    ['message.status', { messageId: MESSAGE_ID }, ['status']],
    ['message.status', { messageId: MESSAGE_ID, status: 'failed', errorCode: 'VK_PRIVACY' }, []],
    ['message.status', { messageId: MESSAGE_ID, status: 'seen' }, ['status']],
    ['message.edited', {}, ['messageId']],
    ['message.edited', { messageId: MESSAGE_ID }, []],
    ['message.deleted', { messageId: MESSAGE_ID }, []],
  ])('%s with %j → %j', (kind, extra, expected) => {
    expect(problems(CrmEventData, { kind, dialogId: DIALOG_ID, ...extra })).toEqual(expected);
  });

  it('unknown kind and bad ids are rejected', () => {
    expect(problems(CrmEventData, { kind: 'lead.won', dialogId: 'd' })).toEqual(['dialogId', 'kind']);
    expect(problems(CrmEventData, { kind: 'dialog.opened', dialogId: DIALOG_ID, clientId: 'c' })).toEqual(['clientId']);
  });
});

describe('isIsoDateTime', () => {
  it('accepts toISOString output and rejects non-strings', () => {
    expect(isIsoDateTime(new Date().toISOString())).toBe(true);
    expect(isIsoDateTime(Date.now())).toBe(false);
  });
});
