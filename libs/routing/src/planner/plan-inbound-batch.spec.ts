import { decodeEnvelope, createEnvelope, encodeEnvelope, CrmEventData } from '@crm/contracts';
import type { RoutingSettings } from '../rules/routing-settings';
import { leadCandidatesFor, lookupRequestFor, planInboundBatch, prepareInbound, verifiedPhoneTargetsFor } from './plan-inbound-batch';
import {
  chatRef,
  identityRef,
  messageRef,
  phoneRef,
  usernameRef,
  type ChannelRouting,
  type DialogSnapshot,
  type InboundInput,
  type MessageSnapshot,
  type PreparedInbound,
  type RoutingLookups,
} from './routing-model';

const ACCOUNT = '0b7c6a52-6f5e-4f3e-9d1a-2b8c4e6f7a10';
const CHANNEL = '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f';
const OTHER_CHANNEL = '6e3f9f4b-2d5c-4b7e-9fa0-1b2c3d4e5f60';
const FUNNEL = '11111111-1111-4111-8111-111111111111';
const STAGE = '22222222-2222-4222-8222-222222222222';
const KNOWN_CLIENT = '33333333-3333-4333-8333-333333333333';
const OPEN_LEAD = '44444444-4444-4444-8444-444444444444';
const DIALOG = '55555555-5555-4555-8555-555555555555';

function ids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

function channel(settings: Partial<RoutingSettings> = {}, id = CHANNEL): ChannelRouting {
  return {
    id,
    accountId: ACCOUNT,
    type: 'telegram',
    name: 'Бот',
    settings: { createLeadOnFirstMessage: false, findExistingLead: false, createClientOnFirstMessage: false, autoMatchClient: false, funnelId: null, stageId: null, ...settings },
  };
}

function inbound(overrides: Partial<InboundInput> = {}): PreparedInbound {
  return prepareInbound({
    accountId: ACCOUNT,
    channelId: CHANNEL,
    channelType: 'telegram',
    externalChatId: 'chat-1',
    externalMessageId: 'm-1',
    event: 'new',
    // A Telegram contact the sender shared about themselves: a verified phone.
    sender: { externalUserId: 'u-1', displayName: 'Иван', phone: '8 (900) 123-45-67', phoneVerified: true, username: 'Ivan' },
    kind: 'text',
    text: 'Здравствуйте',
    attachments: [],
    sentAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  });
}

function newDialog(overrides: Partial<DialogSnapshot> = {}): DialogSnapshot {
  return { id: DIALOG, status: 'open', clientId: null, leadId: null, lastMessageAt: null, created: true, ...overrides };
}

function lookups(overrides: Partial<{ [K in keyof RoutingLookups]: Map<string, any> }> = {}): RoutingLookups {
  return {
    dialogs: new Map([[chatRef(CHANNEL, 'chat-1'), newDialog()]]),
    messages: new Map(),
    identityClients: new Map(),
    phoneClients: new Map(),
    usernameClients: new Map(),
    openLeads: new Map(),
    identityPhones: new Map(),
    clientPhones: new Map(),
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The routing table: four toggles × funnel or not × five situations of the sender (DESIGN §7). The oracle below is
// written from the rules' text, independently of the implementation.

type Situation = 'new sender' | 'known identity' | 'client with the same phone' | 'client with an open lead' | 'client whose lead is closed';
const SITUATIONS: Situation[] = ['new sender', 'known identity', 'client with the same phone', 'client with an open lead', 'client whose lead is closed'];

interface Expected {
  client: 'none' | 'new' | 'existing';
  reason: 'identity' | 'phone' | 'created' | null;
  lead: 'none' | 'new' | 'existing';
  stage: string | null;
  funnel: string | null;
}

function expectedRouting(t: RoutingSettings, withFunnel: boolean, situation: Situation): Expected {
  let client: Expected['client'] = 'none';
  let reason: Expected['reason'] = null;
  if (situation === 'known identity') {
    client = 'existing';
    reason = 'identity';
  } else if (situation !== 'new sender' && t.autoMatchClient) {
    client = 'existing';
    reason = 'phone';
  } else if (t.createClientOnFirstMessage) {
    client = 'new';
    reason = 'created';
  }
  const hasOpenLead = situation === 'client with an open lead' && client === 'existing';
  if (t.findExistingLead && hasOpenLead) return { client, reason, lead: 'existing', funnel: null, stage: null };
  if (t.createLeadOnFirstMessage) return { client, reason, lead: 'new', funnel: withFunnel ? FUNNEL : null, stage: withFunnel ? STAGE : null };
  return { client, reason, lead: 'none', funnel: null, stage: null };
}

const TOGGLES: RoutingSettings[] = [];
for (let mask = 0; mask < 16; mask++) {
  TOGGLES.push({
    createLeadOnFirstMessage: Boolean(mask & 1),
    findExistingLead: Boolean(mask & 2),
    createClientOnFirstMessage: Boolean(mask & 4),
    autoMatchClient: Boolean(mask & 8),
    funnelId: null,
    stageId: null,
  });
}
const TABLE = TOGGLES.flatMap((t) => [false, true].flatMap((withFunnel) => SITUATIONS.map((situation) => ({ t, withFunnel, situation }))));
const label = (t: RoutingSettings) =>
  `lead:${+t.createLeadOnFirstMessage} find:${+t.findExistingLead} client:${+t.createClientOnFirstMessage} match:${+t.autoMatchClient}`;

describe('planInboundBatch — the routing table (160 rows)', () => {
  it.each(TABLE.map((r) => [label(r.t), r.withFunnel ? 'funnel' : 'no funnel', r.situation, r]))('%s, %s, %s', (_l, _f, _s, row) => {
    const { t, withFunnel, situation } = row as (typeof TABLE)[number];
    const settings = { ...t, funnelId: withFunnel ? FUNNEL : null, stageId: withFunnel ? STAGE : null };
    const item = inbound({ sender: { externalUserId: 'u-1', displayName: 'Иван', phone: '8 (900) 123-45-67', phoneVerified: true } });
    // The database as the service would load it: the phone lookup is offered even when auto-match is off, to prove
    // the planner itself ignores it then.
    const state = lookups({
      identityClients: new Map(situation === 'known identity' ? [[identityRef(CHANNEL, 'u-1'), KNOWN_CLIENT]] : []),
      phoneClients: new Map(situation !== 'new sender' && situation !== 'known identity' ? [[phoneRef(ACCOUNT, '+79001234567'), KNOWN_CLIENT]] : []),
      openLeads: new Map(situation === 'client with an open lead' ? [[KNOWN_CLIENT, OPEN_LEAD]] : []),
    });
    const plan = planInboundBatch({ items: [item], channels: new Map([[CHANNEL, channel(settings)]]), lookups: state, newId: ids() });
    const expected = expectedRouting(settings, withFunnel, situation);

    const update = plan.dialogUpdates[0];
    expect(plan.messages).toHaveLength(1);
    expect(plan.dialogUpdates).toHaveLength(1);
    // client
    if (expected.client === 'none') {
      expect(update.clientId).toBeNull();
      expect(plan.clients).toEqual([]);
      expect(plan.identities).toEqual([]);
    } else if (expected.client === 'new') {
      expect(plan.clients).toEqual([{ id: update.clientId, accountId: ACCOUNT, name: 'Иван', phoneE164: '+79001234567', phoneVerified: true }]);
      expect(plan.identities).toEqual([expect.objectContaining({ clientId: update.clientId, matchRule: 'created', phoneE164: '+79001234567', externalUserId: 'u-1' })]);
    } else {
      expect(update.clientId).toBe(KNOWN_CLIENT);
      expect(plan.clients).toEqual([]);
      expect(plan.identities).toEqual(expected.reason === 'identity' ? [] : [expect.objectContaining({ clientId: KNOWN_CLIENT, matchRule: expected.reason })]);
    }
    const clientEvent = plan.events.find((e) => e.data.kind === 'client.created' || e.data.kind === 'client.matched');
    expect(clientEvent?.data.matchRule ?? (clientEvent ? 'created' : null)).toBe(expected.reason);
    // lead
    if (expected.lead === 'none') {
      expect(update.leadId).toBeNull();
      expect(plan.leads).toEqual([]);
    } else if (expected.lead === 'existing') {
      expect(update.leadId).toBe(OPEN_LEAD);
      expect(plan.leads).toEqual([]);
      expect(plan.events.map((e) => e.data.kind)).toContain('lead.linked');
    } else {
      expect(plan.leads).toEqual([
        expect.objectContaining({ id: update.leadId, funnelId: expected.funnel, stageId: expected.stage, clientId: update.clientId, dialogId: DIALOG, channelId: CHANNEL, title: 'Иван — Бот' }),
      ]);
    }
    // every event is a valid crm.event
    for (const e of plan.events) {
      const envelope = createEnvelope('crm.event', e.data, { accountId: ACCOUNT, channelId: CHANNEL });
      expect(() => decodeEnvelope(encodeEnvelope(envelope), CrmEventData)).not.toThrow();
    }
    expect(plan.events[0].data.kind).toBe('dialog.opened');
    expect(plan.events[plan.events.length - 1].data).toMatchObject({ kind: 'message.received', messageId: plan.messages[0].id });
  });
});

describe('planInboundBatch — conversations, batches, edits and deletes', () => {
  const everything = channel({ createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true });

  it('starts a conversation only on the first message of a new dialog; later messages only count as unread', () => {
    const items = [1, 2, 3].map((n) => inbound({ externalMessageId: `m-${n}`, sentAt: new Date(Date.UTC(2026, 2, 1, 10, n)) }));
    const plan = planInboundBatch({ items, channels: new Map([[CHANNEL, everything]]), lookups: lookups(), newId: ids() });
    expect(plan.messages.map((m) => m.externalId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(plan.clients).toHaveLength(1);
    expect(plan.leads).toHaveLength(1);
    expect(plan.dialogUpdates).toEqual([
      expect.objectContaining({ unreadDelta: 3, lastMessageAt: items[2].sentAt, conversationStartedAt: items[0].sentAt, reopened: false }),
    ]);
    expect(plan.events.map((e) => e.data.kind)).toEqual(['dialog.opened', 'client.created', 'lead.created', 'message.received', 'message.received', 'message.received']);
  });

  it('an open dialog with a client and lead: just the message', () => {
    const state = lookups({ dialogs: new Map([[chatRef(CHANNEL, 'chat-1'), newDialog({ created: false, clientId: KNOWN_CLIENT, leadId: OPEN_LEAD })]]) });
    const plan = planInboundBatch({ items: [inbound()], channels: new Map([[CHANNEL, everything]]), lookups: state, newId: ids() });
    expect(plan.events.map((e) => e.data)).toEqual([{ kind: 'message.received', dialogId: DIALOG, messageId: plan.messages[0].id, clientId: KNOWN_CLIENT, leadId: OPEN_LEAD }]);
    expect(plan.dialogUpdates[0]).toMatchObject({ clientId: KNOWN_CLIENT, leadId: OPEN_LEAD, conversationStartedAt: null, unreadDelta: 1 });
  });

  it('a closed dialog reopens as a new conversation: a new lead when the old one is not open', () => {
    const OLD_LEAD = '66666666-6666-4666-8666-666666666666';
    const state = lookups({ dialogs: new Map([[chatRef(CHANNEL, 'chat-1'), newDialog({ created: false, status: 'closed', clientId: KNOWN_CLIENT, leadId: OLD_LEAD })]]) });
    const plan = planInboundBatch({ items: [inbound()], channels: new Map([[CHANNEL, everything]]), lookups: state, newId: ids() });
    expect(plan.dialogUpdates[0]).toMatchObject({ reopened: true, conversationStartedAt: inbound().sentAt, clientId: KNOWN_CLIENT });
    expect(plan.leads).toEqual([expect.objectContaining({ clientId: KNOWN_CLIENT })]);
    expect(plan.dialogUpdates[0].leadId).toBe(plan.leads[0].id);
    expect(plan.events.map((e) => e.data.kind)).toEqual(['dialog.opened', 'lead.created', 'message.received']);
  });

  it('a redelivered message changes nothing', () => {
    const state = lookups({
      dialogs: new Map([[chatRef(CHANNEL, 'chat-1'), newDialog({ created: false })]]),
      messages: new Map<string, MessageSnapshot>([[messageRef(CHANNEL, 'm-1'), { id: 'x', dialogId: DIALOG, text: 'a', attachments: [], editedAt: null, deletedAt: null }]]),
    });
    const plan = planInboundBatch({ items: [inbound(), inbound()], channels: new Map([[CHANNEL, everything]]), lookups: state, newId: ids() });
    expect(plan).toMatchObject({ messages: [], clients: [], leads: [], events: [], dialogUpdates: [] });
    expect(plan.skipped).toEqual([{ index: 0, reason: 'duplicate' }, { index: 1, reason: 'duplicate' }]);
  });

  it('the same message twice in one batch is stored once', () => {
    const plan = planInboundBatch({ items: [inbound(), inbound(), inbound()], channels: new Map([[CHANNEL, everything]]), lookups: lookups(), newId: ids() });
    expect(plan.messages).toHaveLength(1);
    expect(plan.dialogUpdates[0].unreadDelta).toBe(1);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['duplicate', 'duplicate']);
  });

  it('a client created by an earlier message of the batch is matched by phone on another channel in the same batch', () => {
    const other = { ...everything, id: OTHER_CHANNEL, type: 'whatsapp' as const };
    const state = lookups({
      dialogs: new Map([
        [chatRef(CHANNEL, 'chat-1'), newDialog()],
        [chatRef(OTHER_CHANNEL, '79001234567'), newDialog({ id: '77777777-7777-4777-8777-777777777777' })],
      ]),
    });
    const items = [
      inbound(),
      inbound({ channelId: OTHER_CHANNEL, channelType: 'whatsapp', externalChatId: '79001234567', sender: { externalUserId: '79001234567', phone: '79001234567', phoneVerified: true } }),
    ];
    const plan = planInboundBatch({ items, channels: new Map([[CHANNEL, everything], [OTHER_CHANNEL, other]]), lookups: state, newId: ids() });
    expect(plan.clients).toHaveLength(1);
    expect(plan.identities.map((i) => [i.channelId, i.matchRule, i.clientId])).toEqual([
      [CHANNEL, 'created', plan.clients[0].id],
      [OTHER_CHANNEL, 'phone', plan.clients[0].id],
    ]);
    // …and the second conversation links the lead the first one created (findExistingLead).
    expect(plan.leads).toHaveLength(1);
    expect(plan.dialogUpdates.map((d) => d.leadId)).toEqual([plan.leads[0].id, plan.leads[0].id]);
  });

  it('matches by username on the same channel type, case-insensitively', () => {
    const state = lookups({ usernameClients: new Map([[usernameRef(ACCOUNT, 'telegram', 'ivan'), KNOWN_CLIENT]]) });
    const item = inbound({ sender: { externalUserId: 'u-9', username: '@IVAN' } });
    const plan = planInboundBatch({ items: [item], channels: new Map([[CHANNEL, everything]]), lookups: state, newId: ids() });
    expect(plan.identities).toEqual([expect.objectContaining({ clientId: KNOWN_CLIENT, matchRule: 'username', username: 'ivan' })]);
  });

  it('edits keep the previous content as a revision; a redelivered edit and a second delete change nothing', () => {
    const stored: MessageSnapshot = { id: 'msg-1', dialogId: DIALOG, text: 'v1', attachments: [], editedAt: null, deletedAt: null };
    const state = lookups({ messages: new Map([[messageRef(CHANNEL, 'm-1'), stored]]) });
    const edit = (text: string, minute: number) => inbound({ event: 'edit', text, sentAt: new Date(Date.UTC(2026, 2, 1, 11, minute)) });
    const del = inbound({ event: 'delete', text: undefined, sentAt: new Date(Date.UTC(2026, 2, 1, 12)) });
    const plan = planInboundBatch({
      items: [edit('v2', 1), edit('v2', 1), edit('v3', 2), del, del],
      channels: new Map([[CHANNEL, everything]]),
      lookups: state,
      newId: ids(),
    });
    expect(plan.revisions.map((r) => [r.text, r.editedAt.toISOString()])).toEqual([
      ['v1', '2026-03-01T11:01:00.000Z'],
      ['v2', '2026-03-01T11:02:00.000Z'],
    ]);
    expect(plan.messageUpdates).toEqual([
      { id: 'msg-1', edited: true, text: 'v3', attachments: [], editedAt: new Date(Date.UTC(2026, 2, 1, 11, 2)), deletedAt: new Date(Date.UTC(2026, 2, 1, 12)) },
    ]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['stale-edit', 'already-deleted']);
    expect(plan.events.map((e) => e.data.kind)).toEqual(['message.edited', 'message.edited', 'message.deleted']);
    expect(plan.messages).toEqual([]);
  });

  it('an edit of a message of the same batch is folded into its insert; an edit of an unknown message is skipped', () => {
    const items = [inbound({ text: 'v1' }), inbound({ event: 'edit', text: 'v2', sentAt: new Date('2026-03-01T10:05:00Z') }), inbound({ event: 'edit', externalMessageId: 'nope' })];
    const plan = planInboundBatch({ items, channels: new Map([[CHANNEL, everything]]), lookups: lookups(), newId: ids() });
    expect(plan.messages).toEqual([expect.objectContaining({ text: 'v2', editedAt: new Date('2026-03-01T10:05:00Z') })]);
    expect(plan.revisions).toEqual([expect.objectContaining({ messageId: plan.messages[0].id, text: 'v1' })]);
    expect(plan.messageUpdates).toEqual([]);
    expect(plan.skipped).toEqual([{ index: 2, reason: 'unknown-target' }]);
  });
});

describe('lookupRequestFor / leadCandidatesFor', () => {
  it('asks for identities of client-less dialogs, phones/usernames only for auto-matching channels, and locks only what may be written', () => {
    const withClient = newDialog({ id: 'd2', created: false, clientId: KNOWN_CLIENT });
    const dialogs = new Map([
      [chatRef(CHANNEL, 'chat-1'), newDialog()],
      [chatRef(CHANNEL, 'chat-2'), withClient],
      [chatRef(OTHER_CHANNEL, 'chat-3'), newDialog({ id: 'd3' })],
    ]);
    const items = [
      inbound(),
      inbound({ externalChatId: 'chat-2', externalMessageId: 'm-2' }),
      inbound({ channelId: OTHER_CHANNEL, externalChatId: 'chat-3', externalMessageId: 'm-3', sender: { externalUserId: 'u-3', phone: '+79990000000' } }),
      inbound({ externalMessageId: 'm-stored' }),
    ];
    const channels = new Map([
      [CHANNEL, channel({ autoMatchClient: true })],
      [OTHER_CHANNEL, channel({}, OTHER_CHANNEL)],
    ]);
    const request = lookupRequestFor(items, channels, dialogs, new Set([messageRef(CHANNEL, 'm-stored')]));
    expect(request.identities).toEqual([
      { channelId: CHANNEL, externalUserId: 'u-1' },
      { channelId: OTHER_CHANNEL, externalUserId: 'u-3' },
    ]);
    expect(request.phones).toEqual([{ accountId: ACCOUNT, phoneE164: '+79001234567' }]);
    expect(request.usernames).toEqual([{ accountId: ACCOUNT, channelType: 'telegram', username: 'ivan' }]);
    expect(request.lockKeys).toEqual([`identity:${CHANNEL}:u-1`, `phone:${ACCOUNT}:+79001234567`, `username:${ACCOUNT}:telegram:ivan`]);
  });

  it('lead candidates: clients of starting conversations on findExistingLead channels only', () => {
    const dialogs = new Map([
      [chatRef(CHANNEL, 'chat-1'), newDialog()],
      [chatRef(CHANNEL, 'chat-2'), newDialog({ id: 'd2', created: false, clientId: 'open-dialog-client' })],
      [chatRef(CHANNEL, 'chat-3'), newDialog({ id: 'd3', created: false, status: 'closed', clientId: 'closed-dialog-client' })],
    ]);
    const items = [inbound(), inbound({ externalChatId: 'chat-2' }), inbound({ externalChatId: 'chat-3' })];
    const found = { identityClients: new Map(), phoneClients: new Map([[phoneRef(ACCOUNT, '+79001234567'), 'phone-client']]), usernameClients: new Map() };
    expect(leadCandidatesFor(items, new Map([[CHANNEL, channel({ findExistingLead: true })]]), dialogs, found)).toEqual(['closed-dialog-client', 'phone-client']);
    expect(leadCandidatesFor(items, new Map([[CHANNEL, channel({ findExistingLead: false })]]), dialogs, found)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// DESIGN §7.2: only a verified phone matches; a verified phone that arrives later joins the identity and the client.

const PHONE_SPELLINGS = ['89001234567', '79001234567', '+79001234567', '8 900 123 45 67', '8-900-123-45-67', '8 (900) 123-45-67', '+7 (900) 123-45-67', '7 900 123-45-67'];

describe('planInboundBatch — verified and unverified phones', () => {
  const matching = channel({ autoMatchClient: true, createClientOnFirstMessage: true, createLeadOnFirstMessage: true, findExistingLead: true });
  const seeded = () =>
    lookups({
      phoneClients: new Map([[phoneRef(ACCOUNT, '+79001234567'), KNOWN_CLIENT]]),
      openLeads: new Map([[KNOWN_CLIENT, OPEN_LEAD]]),
    });

  it.each(PHONE_SPELLINGS.flatMap((phone) => [[phone, true] as const, [phone, false] as const, [phone, undefined] as const]))(
    '%j with phoneVerified %p: verified matches the client with that phone, otherwise a new client keeps the phone as given',
    (phone, phoneVerified) => {
      const item = inbound({ sender: { externalUserId: 'u-1', displayName: 'Гость', phone, ...(phoneVerified === undefined ? {} : { phoneVerified }) } });
      const channels = new Map([[CHANNEL, matching]]);
      const request = lookupRequestFor([item], channels, seeded().dialogs, new Set());
      const plan = planInboundBatch({ items: [item], channels, lookups: seeded(), newId: ids() });
      const [update] = plan.dialogUpdates;
      if (phoneVerified === true) {
        expect(request.phones).toEqual([{ accountId: ACCOUNT, phoneE164: '+79001234567' }]);
        expect(request.lockKeys).toContain(`phone:${ACCOUNT}:+79001234567`);
        expect(update).toMatchObject({ clientId: KNOWN_CLIENT, leadId: OPEN_LEAD });
        expect(plan.clients).toEqual([]);
        expect(plan.identities).toEqual([expect.objectContaining({ matchRule: 'phone', phoneE164: '+79001234567' })]);
      } else {
        expect(request.phones).toEqual([]);
        expect(request.lockKeys.some((k) => k.startsWith('phone:'))).toBe(false);
        expect(plan.clients).toEqual([{ id: update.clientId, accountId: ACCOUNT, name: 'Гость', phoneE164: '+79001234567', phoneVerified: false }]);
        expect(update.clientId).not.toBe(KNOWN_CLIENT);
        // …and never the other client's lead: a new one for the new client.
        expect(update.leadId).not.toBe(OPEN_LEAD);
        expect(plan.leads).toEqual([expect.objectContaining({ clientId: update.clientId })]);
        expect(plan.events.map((e) => e.data.kind)).not.toContain('client.matched');
      }
    },
  );

  it('an unverified phone offers no lead candidate of the client that has it', () => {
    const item = inbound({ sender: { externalUserId: 'u-1', phone: '89001234567', phoneVerified: false } });
    const found = { identityClients: new Map(), phoneClients: new Map([[phoneRef(ACCOUNT, '+79001234567'), KNOWN_CLIENT]]), usernameClients: new Map() };
    expect(leadCandidatesFor([item], new Map([[CHANNEL, matching]]), seeded().dialogs, found)).toEqual([]);
    expect(leadCandidatesFor([inbound()], new Map([[CHANNEL, matching]]), seeded().dialogs, found)).toEqual([KNOWN_CLIENT]);
  });

  it('a client created from a typed phone is matched by no later sender of the batch, verified or not', () => {
    const dialogs = new Map([1, 2, 3].map((n) => [chatRef(CHANNEL, `chat-${n}`), newDialog({ id: `d-${n}` })] as const));
    const items = [
      inbound({ externalChatId: 'chat-1', externalMessageId: 'm-1', sender: { externalUserId: 'visitor', phone: '89001234567', phoneVerified: false } }),
      inbound({ externalChatId: 'chat-2', externalMessageId: 'm-2', sender: { externalUserId: 'owner', phone: '+79001234567', phoneVerified: true } }),
      inbound({ externalChatId: 'chat-3', externalMessageId: 'm-3', sender: { externalUserId: 'another-visitor', phone: '89001234567' } }),
    ];
    const plan = planInboundBatch({ items, channels: new Map([[CHANNEL, matching]]), lookups: lookups({ dialogs }), newId: ids() });
    expect(plan.clients.map((c) => c.phoneVerified)).toEqual([false, true, false]);
    expect(new Set(plan.dialogUpdates.map((d) => d.clientId)).size).toBe(3);
    expect(plan.identities.map((i) => i.matchRule)).toEqual(['created', 'created', 'created']);
  });

  describe('a verified phone after the first message', () => {
    const known = (clientPhone: { phoneE164: string | null; verified: boolean }, identityPhone: string | null = null) =>
      lookups({
        dialogs: new Map([[chatRef(CHANNEL, 'chat-1'), newDialog({ created: false, clientId: KNOWN_CLIENT, leadId: OPEN_LEAD })]]),
        identityPhones: new Map([[identityRef(CHANNEL, 'u-1'), identityPhone]]),
        clientPhones: new Map([[KNOWN_CLIENT, clientPhone]]),
      });
    const contact = (phone: string) =>
      inbound({ externalMessageId: 'contact', kind: 'contact', contact: { phone }, sender: { externalUserId: 'u-1', phone, phoneVerified: true } });

    it.each(PHONE_SPELLINGS)('%j: joins the identity and the client that has no phone', (phone) => {
      const plan = planInboundBatch({ items: [contact(phone)], channels: new Map([[CHANNEL, channel()]]), lookups: known({ phoneE164: null, verified: false }), newId: ids() });
      expect(plan.identityPhones).toEqual([{ channelId: CHANNEL, externalUserId: 'u-1', phoneE164: '+79001234567' }]);
      expect(plan.clientPhones).toEqual([{ accountId: ACCOUNT, clientId: KNOWN_CLIENT, phoneE164: '+79001234567' }]);
      expect(plan.clients).toEqual([]);
      expect(plan.dialogUpdates[0]).toMatchObject({ clientId: KNOWN_CLIENT, leadId: OPEN_LEAD });
    });

    it.each([
      ['the client has another phone: kept, the identity still learns the new one', { phoneE164: '+79990000000', verified: true }, null, true, false],
      ['the client has it unverified: now verified', { phoneE164: '+79001234567', verified: false }, null, true, true],
      ['the client has it verified: nothing for the client', { phoneE164: '+79001234567', verified: true }, null, true, false],
      ['the identity has it already: nothing for the identity', { phoneE164: null, verified: false }, '+79001234567', false, true],
    ] as const)('%s', (_name, clientPhone, identityPhone, identityUpdated, clientUpdated) => {
      const plan = planInboundBatch({ items: [contact('89001234567')], channels: new Map([[CHANNEL, channel()]]), lookups: known(clientPhone, identityPhone), newId: ids() });
      expect(plan.identityPhones).toHaveLength(identityUpdated ? 1 : 0);
      expect(plan.clientPhones).toEqual(clientUpdated ? [{ accountId: ACCOUNT, clientId: KNOWN_CLIENT, phoneE164: '+79001234567' }] : []);
    });

    it('an unverified phone after the first message changes neither; a redelivered contact changes nothing', () => {
      const typed = inbound({ externalMessageId: 'typed', sender: { externalUserId: 'u-1', phone: '89001234567', phoneVerified: false } });
      const unverified = planInboundBatch({ items: [typed], channels: new Map([[CHANNEL, channel()]]), lookups: known({ phoneE164: null, verified: false }), newId: ids() });
      expect([unverified.identityPhones, unverified.clientPhones]).toEqual([[], []]);
      const state = { ...known({ phoneE164: null, verified: false }), messages: new Map([[messageRef(CHANNEL, 'contact'), { id: 'x', dialogId: DIALOG, text: null, attachments: [], editedAt: null, deletedAt: null }]]) };
      const redelivered = planInboundBatch({ items: [contact('89001234567')], channels: new Map([[CHANNEL, channel()]]), lookups: state, newId: ids() });
      expect([redelivered.identityPhones, redelivered.clientPhones, redelivered.skipped]).toEqual([[], [], [{ index: 0, reason: 'duplicate' }]]);
    });

    it('twice in one batch: written once; the phone then matches a later sender of the batch', () => {
      const dialogs = new Map([
        [chatRef(CHANNEL, 'chat-1'), newDialog({ created: false, clientId: KNOWN_CLIENT })],
        [chatRef(OTHER_CHANNEL, 'wa-1'), newDialog({ id: 'd-wa' })],
      ]);
      const state = lookups({ dialogs, identityPhones: new Map([[identityRef(CHANNEL, 'u-1'), null]]), clientPhones: new Map([[KNOWN_CLIENT, { phoneE164: null, verified: false }]]) });
      const wa = inbound({ channelId: OTHER_CHANNEL, channelType: 'whatsapp', externalChatId: 'wa-1', externalMessageId: 'wa', sender: { externalUserId: '79001234567', phone: '79001234567', phoneVerified: true } });
      const items = [contact('89001234567'), { ...contact('+7 900 123-45-67'), externalMessageId: 'again' }, wa];
      const channels = new Map([[CHANNEL, channel()], [OTHER_CHANNEL, { ...matching, id: OTHER_CHANNEL, type: 'whatsapp' as const }]]);
      const plan = planInboundBatch({ items, channels, lookups: state, newId: ids() });
      expect(plan.identityPhones).toHaveLength(1);
      expect(plan.clientPhones).toHaveLength(1);
      expect(plan.identities).toEqual([expect.objectContaining({ channelId: OTHER_CHANNEL, clientId: KNOWN_CLIENT, matchRule: 'phone' })]);
    });
  });

  it('verifiedPhoneTargetsFor: identities and candidate clients of new events with a verified phone only', () => {
    const dialogs = new Map([
      [chatRef(CHANNEL, 'chat-1'), newDialog({ created: false, clientId: 'dialog-client' })],
      [chatRef(CHANNEL, 'chat-2'), newDialog({ id: 'd2' })],
      [chatRef(CHANNEL, 'chat-3'), newDialog({ id: 'd3' })],
    ]);
    const items = [
      inbound(),
      inbound({ externalChatId: 'chat-2', externalMessageId: 'm-2', sender: { externalUserId: 'u-2', phone: '+79001234567', phoneVerified: true, username: 'Ivan' } }),
      inbound({ externalChatId: 'chat-3', externalMessageId: 'm-3', sender: { externalUserId: 'u-3', phone: '+79001234567' } }),
      inbound({ externalMessageId: 'm-stored' }),
      inbound({ event: 'edit', externalMessageId: 'm-edit' }),
    ];
    const found = { identityClients: new Map([[identityRef(CHANNEL, 'u-2'), 'identity-client']]), usernameClients: new Map([[usernameRef(ACCOUNT, 'telegram', 'ivan'), 'username-client']]) };
    expect(verifiedPhoneTargetsFor(items, dialogs, new Set([messageRef(CHANNEL, 'm-stored')]), found)).toEqual({
      identities: [
        { channelId: CHANNEL, externalUserId: 'u-1' },
        { channelId: CHANNEL, externalUserId: 'u-2' },
      ],
      clients: ['dialog-client', 'identity-client', 'username-client'].map((clientId) => ({ accountId: ACCOUNT, clientId })),
    });
    expect(verifiedPhoneTargetsFor([items[2]], dialogs, new Set(), found)).toEqual({ identities: [], clients: [] });
  });
});
