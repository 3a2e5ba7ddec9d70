import type { RoutingLookupPort } from '../planner/load-routing-lookups';
import { identityRef, phoneRef, usernameRef, type ChannelRouting } from '../planner/routing-model';
import { simulateFirstMessage } from './simulate-first-message';

const ACCOUNT = 'a0000000-0000-4000-8000-000000000001';
const CHANNEL = 'c0000000-0000-4000-8000-000000000001';
const channel = (settings: Partial<ChannelRouting['settings']>): ChannelRouting => ({
  id: CHANNEL,
  accountId: ACCOUNT,
  type: 'telegram',
  name: 'Telegram бот',
  settings: { createLeadOnFirstMessage: false, findExistingLead: false, createClientOnFirstMessage: false, autoMatchClient: false, funnelId: null, stageId: null, ...settings },
});

/** An in-memory port over fixed facts that records what it was asked. */
function port(facts: { identities?: Record<string, string>; phones?: Record<string, string>; usernames?: Record<string, string>; openLeads?: Record<string, string> }) {
  const asked: string[] = [];
  const pick = <K extends string>(source: Record<string, string> | undefined, keys: K[]) =>
    new Map(keys.filter((k) => source?.[k]).map((k) => [k, source![k]] as [K, string]));
  const p: RoutingLookupPort = {
    lock: async (keys) => void asked.push(`lock ${keys.join(',')}`),
    identityClients: async (r) => (asked.push('identities'), pick(facts.identities, r.map((i) => identityRef(i.channelId, i.externalUserId)))),
    phoneClients: async (r) => (asked.push('phones'), pick(facts.phones, r.map((i) => phoneRef(i.accountId, i.phoneE164)))),
    usernameClients: async (r) => (asked.push('usernames'), pick(facts.usernames, r.map((i) => usernameRef(i.accountId, i.channelType, i.username)))),
    identityPhones: async () => new Map(),
    clientPhones: async () => new Map(),
    openLeads: async (ids) => (asked.push(`open leads ${ids.join(',')}`), pick(facts.openLeads, ids)),
  };
  return { p, asked };
}

const SENDER = { externalUserId: 'u1', displayName: 'Иван', username: 'Ivan_P', phone: '8 900 123-45-67', phoneVerified: true };

describe('simulateFirstMessage: the planner of lead-routing on one sample message', () => {
  it('matches by verified phone and links the open lead, asking the same questions routing asks, locks included', async () => {
    const { p, asked } = port({ phones: { [phoneRef(ACCOUNT, '+79001234567')]: 'client-p' }, openLeads: { 'client-p': 'lead-1' } });
    const preview = await simulateFirstMessage(p, { channel: channel({ autoMatchClient: true, findExistingLead: true }), externalChatId: 'u1', sender: SENDER, dialog: null });
    expect(preview).toEqual({ dialog: 'new', client: { action: 'matched', clientId: 'client-p', rule: 'phone' }, lead: { action: 'linked', leadId: 'lead-1' } });
    expect(asked[0]).toBe(`lock identity:${CHANNEL}:u1,phone:${ACCOUNT}:+79001234567,username:${ACCOUNT}:telegram:ivan_p`);
    expect(asked).toContain('lock lead:client-p');
    expect(asked).toContain('open leads client-p');
  });

  it('an unverified phone matches nobody; a closed dialog with a client reopens with it and gets a new lead in the funnel', async () => {
    const { p } = port({ phones: { [phoneRef(ACCOUNT, '+79001234567')]: 'client-p' } });
    const typed = await simulateFirstMessage(p, { channel: channel({ autoMatchClient: true, createClientOnFirstMessage: true }), externalChatId: 'u1', sender: { ...SENDER, phoneVerified: false }, dialog: null });
    expect(typed.client).toEqual({ action: 'created', rule: 'created' });

    const reopened = await simulateFirstMessage(p, {
      channel: channel({ createLeadOnFirstMessage: true, funnelId: 'f', stageId: 's' }),
      externalChatId: 'u1',
      sender: SENDER,
      dialog: { id: 'd', status: 'closed', clientId: 'client-d', leadId: null, lastMessageAt: null },
    });
    expect(reopened).toEqual({ dialog: 'reopened', client: { action: 'linked', clientId: 'client-d', rule: 'dialog' }, lead: { action: 'created', funnelId: 'f', stageId: 's' } });
  });

  it('an open dialog goes on: no client or lead decision', async () => {
    const { p, asked } = port({ identities: { [identityRef(CHANNEL, 'u1')]: 'client-i' } });
    const preview = await simulateFirstMessage(p, {
      channel: channel({ createLeadOnFirstMessage: true, createClientOnFirstMessage: true }),
      externalChatId: 'u1',
      sender: SENDER,
      dialog: { id: 'd', status: 'open', clientId: null, leadId: null, lastMessageAt: new Date() },
    });
    expect(preview).toEqual({ dialog: 'existing', client: { action: 'linked', clientId: 'client-i', rule: 'identity' }, lead: { action: 'none' } });
    expect(asked).toContain('identities');
  });
});
