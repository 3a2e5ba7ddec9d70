import { decideClient } from './client-rule';
import { decideLead } from './lead-rule';

const none = { identityClientId: null, phoneClientId: null, usernameClientId: null };

describe('decideClient (DESIGN §7.2)', () => {
  it('the identity wins whatever the toggles', () => {
    for (const autoMatchClient of [false, true]) {
      for (const createClientOnFirstMessage of [false, true]) {
        expect(decideClient({ autoMatchClient, createClientOnFirstMessage }, { identityClientId: 'i', phoneClientId: 'p', usernameClientId: 'u' })).toEqual({
          action: 'link',
          clientId: 'i',
          rule: 'identity',
          recordIdentity: false,
        });
      }
    }
  });

  it('auto-match: phone before username; both record a new identity', () => {
    const on = { autoMatchClient: true, createClientOnFirstMessage: true };
    expect(decideClient(on, { ...none, phoneClientId: 'p', usernameClientId: 'u' })).toEqual({ action: 'link', clientId: 'p', rule: 'phone', recordIdentity: true });
    expect(decideClient(on, { ...none, usernameClientId: 'u' })).toEqual({ action: 'link', clientId: 'u', rule: 'username', recordIdentity: true });
  });

  it('without auto-match phone and username are ignored: create or nothing', () => {
    expect(decideClient({ autoMatchClient: false, createClientOnFirstMessage: true }, { ...none, phoneClientId: 'p', usernameClientId: 'u' })).toEqual({ action: 'create', rule: 'created' });
    expect(decideClient({ autoMatchClient: false, createClientOnFirstMessage: false }, { ...none, phoneClientId: 'p' })).toEqual({ action: 'none' });
    expect(decideClient({ autoMatchClient: true, createClientOnFirstMessage: false }, none)).toEqual({ action: 'none' });
  });
});

describe('decideLead (DESIGN §7.3)', () => {
  const all = { findExistingLead: true, createLeadOnFirstMessage: true, funnelId: 'f', stageId: 's' };

  it('does nothing unless a conversation starts', () => {
    expect(decideLead(all, { conversationStarts: false, openLeadId: 'l' })).toEqual({ action: 'none' });
  });

  it('links the open lead, else creates one in the funnel and stage, else nothing', () => {
    expect(decideLead(all, { conversationStarts: true, openLeadId: 'l' })).toEqual({ action: 'link', leadId: 'l' });
    expect(decideLead(all, { conversationStarts: true, openLeadId: null })).toEqual({ action: 'create', funnelId: 'f', stageId: 's' });
    expect(decideLead({ ...all, findExistingLead: false }, { conversationStarts: true, openLeadId: 'l' })).toEqual({ action: 'create', funnelId: 'f', stageId: 's' });
    expect(decideLead({ ...all, createLeadOnFirstMessage: false }, { conversationStarts: true, openLeadId: null })).toEqual({ action: 'none' });
  });

  it('without a funnel the new lead is unsorted (no stage either)', () => {
    expect(decideLead({ ...all, funnelId: null, stageId: 's' }, { conversationStarts: true, openLeadId: null })).toEqual({ action: 'create', funnelId: null, stageId: null });
  });
});
