import { CrmEventData } from '@crm/contracts';
import { LeadRoutingHarness } from '../testing/lead-routing-harness';

// DESIGN §7.2 on real Kafka and Postgres: only a verified phone matches an existing client, and a verified phone that
// arrives after the first message joins the sender's identity and the dialog's client.

const E164 = '+79001234567';
/** The same Russian number as people and platforms write it. */
const SPELLINGS = ['89001234567', '79001234567', '+79001234567', '8 900 123 45 67', '8-900-123-45-67', '8 (900) 123-45-67', '+7 (900) 123-45-67', '7 (900) 123-45-67'];
const ALL_TOGGLES = { autoMatchClient: true, createClientOnFirstMessage: true, findExistingLead: true, createLeadOnFirstMessage: true };

const crmKinds = async (h: LeadRoutingHarness, dialogId: string): Promise<string[]> =>
  (await h.dataSource.query(`SELECT payload FROM outbox WHERE topic = 'crm.events.v1' AND message_key = $1 ORDER BY id`, [dialogId])).map(
    (r: { payload: { data: CrmEventData } }) => r.payload.data.kind,
  );

describe('lead-routing: verified and unverified phones (real Kafka and Postgres)', () => {
  let h: LeadRoutingHarness;

  beforeAll(async () => {
    h = await LeadRoutingHarness.create({ ROUTING_PARTITION_CONCURRENCY: '4' });
    await h.start();
  });
  afterAll(() => h?.close());

  const dialogOf = async (channelId: string, chat: string) =>
    (await h.dataSource.query(`SELECT id, client_id, lead_id FROM dialogs WHERE channel_id = $1 AND external_chat_id = $2`, [channelId, chat]))[0] as {
      id: string;
      client_id: string | null;
      lead_id: string | null;
    };
  const clientRow = async (id: string) =>
    (await h.dataSource.query(`SELECT name, phone_e164, phone_verified FROM clients WHERE id = $1`, [id]))[0] as { name: string; phone_e164: string | null; phone_verified: boolean };

  type Source = 'widget, typed (phoneVerified false)' | 'widget, typed (no phoneVerified)' | 'telegram, own contact (phoneVerified true)';
  const SOURCES: Source[] = ['widget, typed (phoneVerified false)', 'widget, typed (no phoneVerified)', 'telegram, own contact (phoneVerified true)'];

  it(`every spelling × source: a typed phone never links the sender to the client that has it nor to its open lead; a verified one does (${SPELLINGS.length * SOURCES.length} rows)`, async () => {
    const rows = await Promise.all(
      SPELLINGS.flatMap((phone) => SOURCES.map((source) => ({ phone, source }))).map(async ({ phone, source }, i) => {
        const accountId = await h.account(`phones ${i}`);
        const owner = await h.client(accountId, 'Владелец номера', E164);
        const ownersLead = await h.lead(accountId, owner, await h.channel({ accountId, name: 'old' }), 'open');
        const widget = source.startsWith('widget');
        const channelId = await h.channel({ accountId, type: widget ? 'widget' : 'telegram', name: widget ? 'Сайт' : 'Telegram бот', ...ALL_TOGGLES });
        const phoneVerified = source.includes('false') ? { phoneVerified: false } : source.includes('true') ? { phoneVerified: true } : {};
        const message = h.inbound(accountId, channelId, {
          channelType: widget ? 'widget' : 'telegram',
          externalChatId: `chat-${i}`,
          sender: { externalUserId: `visitor-${i}`, displayName: 'Гость', phone, ...phoneVerified },
        });
        return { phone, source, accountId, owner, ownersLead, channelId, message, verified: source.includes('true') };
      }),
    );
    await h.produce(rows.map((r) => r.message));
    await h.waitForMessages(rows.length, 60_000, 'channel_id = ANY($1)', [rows.map((r) => r.channelId)]);

    const failures: string[] = [];
    for (const r of rows) {
      const dialog = await dialogOf(r.channelId, r.message.envelope.data.externalChatId);
      const [identity] = await h.dataSource.query(`SELECT client_id, match_rule, phone_e164 FROM client_identities WHERE channel_id = $1`, [r.channelId]);
      const kinds = await crmKinds(h, dialog.id);
      const client = await clientRow(dialog.client_id!);
      const got = {
        client: dialog.client_id === r.owner ? 'owner' : 'new',
        lead: dialog.lead_id === r.ownersLead ? "owner's lead" : 'new lead',
        rule: identity.match_rule,
        stored: `${client.phone_e164} ${client.phone_verified ? 'verified' : 'unverified'}`,
        event: kinds.includes('client.matched') ? 'client.matched' : 'client.created',
      };
      const want = r.verified
        ? { client: 'owner', lead: "owner's lead", rule: 'phone', stored: `${E164} verified`, event: 'client.matched' }
        : { client: 'new', lead: 'new lead', rule: 'created', stored: `${E164} unverified`, event: 'client.created' };
      if (JSON.stringify(got) !== JSON.stringify(want) || identity.phone_e164 !== E164) failures.push(`${r.source} ${JSON.stringify(r.phone)}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)} identity phone ${identity.phone_e164}`);
    }
    expect(failures).toEqual([]);
    // The owner's client and lead are untouched by the typed phones.
    const owners = await h.dataSource.query(`SELECT phone_e164, phone_verified FROM clients WHERE id = ANY($1)`, [rows.map((r) => r.owner)]);
    expect(owners.every((o: { phone_e164: string; phone_verified: boolean }) => o.phone_e164 === E164 && o.phone_verified)).toBe(true);
  });

  it('a client created from a typed phone is matched by nobody later: the number\'s owner gets a client of their own, which then matches', async () => {
    const accountId = await h.account();
    const widget = await h.channel({ accountId, type: 'widget', name: 'Сайт', ...ALL_TOGGLES });
    const telegram = await h.channel({ accountId, ...ALL_TOGGLES });
    const whatsapp = await h.channel({ accountId, type: 'whatsapp', name: 'WhatsApp', ...ALL_TOGGLES });
    await h.produce([h.inbound(accountId, widget, { channelType: 'widget', externalChatId: 'visitor', sender: { externalUserId: 'visitor', displayName: 'Не владелец', phone: '8 900 123-45-67', phoneVerified: false } })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [widget]);
    await h.produce([
      h.inbound(accountId, telegram, {
        externalChatId: 'tg',
        kind: 'contact',
        text: undefined,
        contact: { phone: '+7 900 123 45 67', externalUserId: 'tg-owner' },
        sender: { externalUserId: 'tg-owner', displayName: 'Владелец', phone: '+7 900 123 45 67', phoneVerified: true },
      }),
    ]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [telegram]);
    await h.produce([h.inbound(accountId, whatsapp, { channelType: 'whatsapp', externalChatId: '79001234567', sender: { externalUserId: '79001234567', phone: '79001234567', phoneVerified: true } })]);
    await h.waitForMessages(1, 20_000, 'channel_id = $1', [whatsapp]);

    const visitorsClient = (await dialogOf(widget, 'visitor')).client_id!;
    const ownersClient = (await dialogOf(telegram, 'tg')).client_id!;
    expect(ownersClient).not.toBe(visitorsClient);
    expect(await clientRow(visitorsClient)).toEqual({ name: 'Не владелец', phone_e164: E164, phone_verified: false });
    expect(await clientRow(ownersClient)).toEqual({ name: 'Владелец', phone_e164: E164, phone_verified: true });
    // WhatsApp's verified sender number matches the verified client, not the older one with the typed phone.
    expect((await dialogOf(whatsapp, '79001234567')).client_id).toBe(ownersClient);
    expect(await h.count(`SELECT 1 FROM leads WHERE account_id = $1`, [accountId])).toBe(2);
  });

  it(`a Telegram contact shared after the first message joins the identity and the phone-less client (${SPELLINGS.length} spellings)`, async () => {
    const rows = await Promise.all(
      SPELLINGS.map(async (phone, i) => {
        const accountId = await h.account(`later ${i}`);
        const channelId = await h.channel({ accountId, createClientOnFirstMessage: true, createLeadOnFirstMessage: true });
        return { phone, accountId, channelId, chat: `later-${i}` };
      }),
    );
    await h.produce(rows.map((r) => h.inbound(r.accountId, r.channelId, { externalChatId: r.chat, sender: { externalUserId: r.chat, displayName: 'Анна' } })));
    await h.waitForMessages(rows.length, 30_000, 'channel_id = ANY($1)', [rows.map((r) => r.channelId)]);
    const before = await Promise.all(rows.map(async (r) => (await dialogOf(r.channelId, r.chat)).client_id!));
    for (const clientId of before) expect(await clientRow(clientId)).toEqual({ name: 'Анна', phone_e164: null, phone_verified: false });

    const contacts = rows.map((r) =>
      h.inbound(r.accountId, r.channelId, {
        externalChatId: r.chat,
        kind: 'contact',
        text: undefined,
        contact: { phone: r.phone, firstName: 'Анна', externalUserId: r.chat },
        sender: { externalUserId: r.chat, displayName: 'Анна', phone: r.phone, phoneVerified: true },
      }),
    );
    // Delivered twice: the redelivery changes nothing.
    await h.produce([...contacts, ...contacts]);
    await h.waitForMessages(rows.length * 2, 30_000, 'channel_id = ANY($1)', [rows.map((r) => r.channelId)]);

    for (const [i, r] of rows.entries()) {
      const dialog = await dialogOf(r.channelId, r.chat);
      expect([r.phone, dialog.client_id]).toEqual([r.phone, before[i]]);
      expect([r.phone, await clientRow(before[i])]).toEqual([r.phone, { name: 'Анна', phone_e164: E164, phone_verified: true }]);
      expect([r.phone, await h.dataSource.query(`SELECT client_id, phone_e164, match_rule FROM client_identities WHERE channel_id = $1`, [r.channelId])]).toEqual([
        r.phone,
        [{ client_id: before[i], phone_e164: E164, match_rule: 'created' }],
      ]);
      expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [r.accountId])).toBe(1);
      expect(await crmKinds(h, dialog.id)).toEqual(['dialog.opened', 'client.created', 'lead.created', 'message.received', 'message.received']);
    }
  });

  it('when another client already has that phone nothing is merged: both keep it (a possible duplicate); a client with another phone keeps its own', async () => {
    const accountId = await h.account();
    const other = await h.client(accountId, 'Другой клиент', E164);
    const otherLead = await h.lead(accountId, other, await h.channel({ accountId, name: 'old' }), 'open');
    const channelId = await h.channel({ accountId, ...ALL_TOGGLES });
    const withPhone = await h.client(accountId, 'С телефоном', '+79990000000');
    await h.identity(accountId, withPhone, channelId, 'has-phone', { phoneE164: '+79990000000' });
    await h.produce([
      h.inbound(accountId, channelId, { externalChatId: 'no-phone', sender: { externalUserId: 'no-phone', displayName: 'Без телефона' } }),
      h.inbound(accountId, channelId, { externalChatId: 'has-phone', sender: { externalUserId: 'has-phone', displayName: 'С телефоном' } }),
    ]);
    await h.waitForMessages(2, 20_000, 'channel_id = $1', [channelId]);
    const share = (chat: string) =>
      h.inbound(accountId, channelId, { externalChatId: chat, kind: 'contact', text: undefined, contact: { phone: '8 (900) 123-45-67', externalUserId: chat }, sender: { externalUserId: chat, phone: '8 (900) 123-45-67', phoneVerified: true } });
    await h.produce([share('no-phone'), share('has-phone')]);
    await h.waitForMessages(4, 20_000, 'channel_id = $1', [channelId]);

    const noPhone = await dialogOf(channelId, 'no-phone');
    expect(noPhone.client_id).not.toBe(other);
    expect(noPhone.lead_id).not.toBe(otherLead);
    expect(await clientRow(noPhone.client_id!)).toEqual({ name: 'Без телефона', phone_e164: E164, phone_verified: true });
    expect(await clientRow(other)).toEqual({ name: 'Другой клиент', phone_e164: E164, phone_verified: true });
    expect((await dialogOf(channelId, 'has-phone')).client_id).toBe(withPhone);
    expect(await clientRow(withPhone)).toEqual({ name: 'С телефоном', phone_e164: '+79990000000', phone_verified: true });
    expect(await h.dataSource.query(`SELECT external_user_id, phone_e164 FROM client_identities WHERE channel_id = $1 ORDER BY external_user_id`, [channelId])).toEqual([
      { external_user_id: 'has-phone', phone_e164: E164 },
      { external_user_id: 'no-phone', phone_e164: E164 },
    ]);
    expect(await h.count(`SELECT 1 FROM clients WHERE account_id = $1`, [accountId])).toBe(3);
    expect(await h.count(`SELECT 1 FROM leads WHERE client_id = $1`, [other])).toBe(1);
  });
});
