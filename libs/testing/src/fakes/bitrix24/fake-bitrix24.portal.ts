// The CRM data of one fake Bitrix24 portal and the REST methods on it (PLATFORMS.md §5). Transport, auth, limits and
// failures live in fake-bitrix24.server.ts.

/** A Bitrix24 REST error: `{"error": code, "error_description": description}` with this HTTP status. */
export class FakeBitrix24Error extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** More top-level keys of the error body (e.g. `time` with `operating_reset_at`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

export interface FakeMultifield {
  ID: string;
  TYPE_ID: string;
  VALUE: string;
  VALUE_TYPE: string;
}

export interface FakeContact {
  ID: string;
  NAME: string;
  LAST_NAME: string;
  PHONE: FakeMultifield[];
  IM: FakeMultifield[];
  ORIGINATOR_ID: string | null;
  ORIGIN_ID: string | null;
  DATE_CREATE: string;
}

export interface FakeLead {
  ID: string;
  TITLE: string;
  NAME: string;
  STATUS_ID: string;
  CONTACT_ID: string | null;
  SOURCE_ID: string | null;
  SOURCE_DESCRIPTION: string | null;
  ORIGINATOR_ID: string | null;
  ORIGIN_ID: string | null;
  PHONE: FakeMultifield[];
  IM: FakeMultifield[];
  DATE_CREATE: string;
}

export interface FakeComment {
  ID: string;
  ENTITY_ID: string;
  ENTITY_TYPE: string;
  COMMENT: string;
  AUTHOR_ID: string;
  CREATED: string;
}

/** A method's answer: `result`, plus `total`/`next` for list methods. */
export interface MethodAnswer {
  result: unknown;
  total?: number;
  next?: number;
}

export interface PortalMethod {
  /** The webhook scope the method needs (null: any webhook may call it). */
  scope: string | null;
  run(params: Record<string, unknown>, userId: number): MethodAnswer;
}

const PAGE = 50;
const PHONE_TYPES = new Set(['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER']);
const IM_TYPES = new Set(['TELEGRAM', 'VK', 'SKYPE', 'VIBER', 'BITRIX24', 'OPENLINE', 'IMOL', 'ICQ', 'MSN', 'JABBER', 'OTHER']);

const digits = (phone: string) => phone.replace(/\D/g, '');
const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const objectOr = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.values(v) : v === undefined ? [] : [v]);

/**
 * Rows by the value of one field. `candidates` narrows a list call whose filter asks for one value of that field (the
 * list's own filter still decides); any other call gets every row.
 */
class RowIndex<T extends object> {
  private readonly byValue = new Map<string, T[]>();

  constructor(private readonly field: keyof T & string) {}

  add(row: T): void {
    const value = str((row as Record<string, unknown>)[this.field]);
    if (value === null) return;
    const list = this.byValue.get(value);
    if (list) list.push(row);
    else this.byValue.set(value, [row]);
  }

  candidates(rows: Map<string, T>, params: Record<string, unknown>): T[] {
    const filter = objectOr(params.filter);
    const wanted = filter[this.field] ?? filter[`=${this.field}`];
    const values = wanted === undefined ? [] : listOf(wanted);
    if (values.length !== 1 || (typeof values[0] !== 'string' && typeof values[0] !== 'number')) return [...rows.values()];
    return [...(this.byValue.get(String(values[0])) ?? [])];
  }
}

function invalid(description: string): never {
  throw new FakeBitrix24Error(400, 'INVALID_ARG_VALUE', description);
}

/** One portal's CRM: contacts, leads, timeline comments, with ids increasing like Bitrix24's. */
export class FakeBitrix24Portal {
  readonly contacts = new Map<string, FakeContact>();
  readonly leads = new Map<string, FakeLead>();
  readonly comments = new Map<string, FakeComment>();
  private nextId = { contact: 1, lead: 1, comment: 1, field: 1 };
  /**
   * The fields the CRM filters lists by, indexed as Bitrix24 indexes them: a scan of every row per list call makes the
   * fake slower with every comment a long run stores, until whole batches miss the client's timeout.
   */
  private readonly indexes = { contactsByOrigin: new RowIndex<FakeContact>('ORIGIN_ID'), leadsByOrigin: new RowIndex<FakeLead>('ORIGIN_ID'), commentsByEntity: new RowIndex<FakeComment>('ENTITY_ID') };

  readonly methods: Record<string, PortalMethod> = {
    profile: { scope: null, run: (_p, userId) => ({ result: { ID: String(userId), ADMIN: true, NAME: 'Админ', LAST_NAME: 'Портала', PERSONAL_GENDER: '', TIME_ZONE: '' } }) },
    'crm.lead.fields': { scope: 'crm', run: () => ({ result: LEAD_FIELDS }) },
    'crm.contact.add': { scope: 'crm', run: (p) => ({ result: Number(this.addContact(this.fields(p))) }) },
    'crm.contact.get': { scope: 'crm', run: (p) => ({ result: this.require(this.contacts, p.id ?? p.ID) }) },
    'crm.contact.list': { scope: 'crm', run: (p) => this.list(this.indexes.contactsByOrigin.candidates(this.contacts, p), p) },
    'crm.lead.add': { scope: 'crm', run: (p) => ({ result: Number(this.addLead(this.fields(p))) }) },
    'crm.lead.get': { scope: 'crm', run: (p) => ({ result: this.require(this.leads, p.id ?? p.ID) }) },
    'crm.lead.list': { scope: 'crm', run: (p) => this.list(this.indexes.leadsByOrigin.candidates(this.leads, p), p) },
    'crm.duplicate.findbycomm': { scope: 'crm', run: (p) => ({ result: this.findByComm(p) }) },
    'crm.timeline.comment.add': { scope: 'crm', run: (p) => ({ result: Number(this.addComment(p)) }) },
    'crm.timeline.comment.list': { scope: 'crm', run: (p) => this.list(this.indexes.commentsByEntity.candidates(this.comments, p), p) },
  };

  /** Adds a contact directly (e.g. "the portal already has this customer"). Returns its id. */
  addContact(fields: Record<string, unknown>): string {
    const ID = String(this.nextId.contact++);
    this.set(this.contacts, this.indexes.contactsByOrigin, {
      ID,
      NAME: str(fields.NAME) ?? '',
      LAST_NAME: str(fields.LAST_NAME) ?? '',
      PHONE: this.multifield('PHONE', fields.PHONE, PHONE_TYPES),
      IM: this.multifield('IM', fields.IM, IM_TYPES),
      ORIGINATOR_ID: str(fields.ORIGINATOR_ID),
      ORIGIN_ID: str(fields.ORIGIN_ID),
      DATE_CREATE: new Date().toISOString(),
    });
    return ID;
  }

  private set<T extends { ID: string }>(rows: Map<string, T>, index: RowIndex<T>, row: T): void {
    rows.set(row.ID, row);
    index.add(row);
  }

  private addLead(fields: Record<string, unknown>): string {
    const contactId = str(fields.CONTACT_ID);
    if (contactId !== null && !this.contacts.has(contactId)) invalid(`Contact with ID ${contactId} is not found`);
    const ID = String(this.nextId.lead++);
    this.set(this.leads, this.indexes.leadsByOrigin, {
      ID,
      TITLE: str(fields.TITLE) ?? `Лид #${ID}`,
      NAME: str(fields.NAME) ?? '',
      STATUS_ID: str(fields.STATUS_ID) ?? 'NEW',
      CONTACT_ID: contactId,
      SOURCE_ID: str(fields.SOURCE_ID),
      SOURCE_DESCRIPTION: str(fields.SOURCE_DESCRIPTION),
      ORIGINATOR_ID: str(fields.ORIGINATOR_ID),
      ORIGIN_ID: str(fields.ORIGIN_ID),
      PHONE: this.multifield('PHONE', fields.PHONE, PHONE_TYPES),
      IM: this.multifield('IM', fields.IM, IM_TYPES),
      DATE_CREATE: new Date().toISOString(),
    });
    return ID;
  }

  private addComment(params: Record<string, unknown>): string {
    if (params.fields === undefined) invalid('Parameter "fields" is required (lowercase)');
    const fields = objectOr(params.fields);
    const entityType = str(fields.ENTITY_TYPE)?.toLowerCase();
    const entityId = str(fields.ENTITY_ID);
    const comment = str(fields.COMMENT);
    if (!comment) invalid('Empty comment');
    if (!entityType || !entityId) invalid('ENTITY_ID and ENTITY_TYPE are required');
    const owners: Record<string, Map<string, unknown>> = { lead: this.leads, contact: this.contacts };
    if (!owners[entityType]?.has(entityId)) throw new FakeBitrix24Error(400, 'OWNER_NOT_FOUND', 'Owner entity not found');
    const ID = String(this.nextId.comment++);
    this.set(this.comments, this.indexes.commentsByEntity, { ID, ENTITY_ID: entityId, ENTITY_TYPE: entityType, COMMENT: comment, AUTHOR_ID: '1', CREATED: new Date().toISOString() });
    return ID;
  }

  private findByComm(params: Record<string, unknown>): unknown {
    const type = str(params.type);
    if (!type) throw new FakeBitrix24Error(400, '', 'Communication type is not defined.');
    const values = listOf(params.values).map(String);
    if (values.length === 0) throw new FakeBitrix24Error(400, '', 'Communication values is not defined.');
    if (values.length > 20) invalid('Too many communication values (at most 20)');
    if (type !== 'PHONE') return [];
    const wanted = new Set(values.map(digits));
    const entityType = str(params.entity_type);
    const found: Record<string, number[]> = {};
    const scan = (name: 'CONTACT' | 'LEAD', rows: Iterable<FakeContact | FakeLead>) => {
      if (entityType && entityType !== name) return;
      const ids = [...rows].filter((r) => r.PHONE.some((p) => wanted.has(digits(p.VALUE)))).map((r) => Number(r.ID));
      if (ids.length > 0) found[name] = ids;
    };
    scan('CONTACT', this.contacts.values());
    scan('LEAD', this.leads.values());
    // An empty PHP array: `[]`, not `{}` (PLATFORMS.md §5).
    return Object.keys(found).length === 0 ? [] : found;
  }

  /** `filter` (equality, `=KEY`, lists as IN), `order` ({FIELD: ASC|DESC}), `select`, `start` — pages of 50. */
  private list(rows: object[], params: Record<string, unknown>): MethodAnswer {
    const filter = objectOr(params.filter);
    const matches = rows.filter((row) =>
      Object.entries(filter).every(([rawKey, wanted]) => {
        const key = rawKey.replace(/^=/, '');
        const actual = str((row as Record<string, unknown>)[key]);
        const options = listOf(wanted).map((w) => (key === 'ENTITY_TYPE' ? String(w).toLowerCase() : String(w)));
        return actual !== null && options.includes(actual);
      }),
    );
    const [orderKey, direction] = Object.entries(objectOr(params.order))[0] ?? ['ID', 'ASC'];
    const sign = String(direction).toUpperCase() === 'DESC' ? -1 : 1;
    const byId = (a: object, b: object) => {
      const x = (a as Record<string, unknown>)[orderKey];
      const y = (b as Record<string, unknown>)[orderKey];
      return sign * (orderKey === 'ID' ? Number(x) - Number(y) : String(x).localeCompare(String(y)));
    };
    matches.sort(byId);
    const start = Number(params.start ?? 0) || 0;
    const select = listOf(params.select).map(String);
    const page = matches.slice(start, start + PAGE).map((row) => (select.length === 0 || select.includes('*') ? row : pick(row, select)));
    const next = start + PAGE < matches.length ? start + PAGE : undefined;
    return { result: page, total: matches.length, ...(next !== undefined ? { next } : {}) };
  }

  private fields(params: Record<string, unknown>): Record<string, unknown> {
    return objectOr(params.fields ?? params.FIELDS);
  }

  private multifield(type: string, value: unknown, allowed: Set<string>): FakeMultifield[] {
    return listOf(value).map((item) => {
      const field = objectOr(item);
      const VALUE = str(field.VALUE);
      if (!VALUE) invalid(`${type}: VALUE is required`);
      const VALUE_TYPE = str(field.VALUE_TYPE) ?? 'WORK';
      if (!allowed.has(VALUE_TYPE)) invalid(`${type}: unknown VALUE_TYPE ${VALUE_TYPE}`);
      return { ID: String(this.nextId.field++), TYPE_ID: type, VALUE, VALUE_TYPE };
    });
  }

  private require<T>(rows: Map<string, T>, id: unknown): T {
    const row = rows.get(String(id));
    if (!row) throw new FakeBitrix24Error(400, '', 'Not found');
    return row;
  }
}

function pick(row: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, (row as Record<string, unknown>)[k]]));
}

const field = (type: string, title: string, extra: Record<string, unknown> = {}) => ({ type, isRequired: false, isReadOnly: false, isImmutable: false, isMultiple: false, isDynamic: false, title, ...extra });

const LEAD_FIELDS = {
  ID: field('integer', 'ID', { isReadOnly: true }),
  TITLE: field('string', 'Название лида'),
  NAME: field('string', 'Имя'),
  STATUS_ID: field('crm_status', 'Стадия', { statusType: 'STATUS' }),
  SOURCE_ID: field('crm_status', 'Источник', { statusType: 'SOURCE' }),
  SOURCE_DESCRIPTION: field('string', 'Дополнительно об источнике'),
  CONTACT_ID: field('crm_contact', 'Контакт'),
  ORIGINATOR_ID: field('string', 'Внешний источник'),
  ORIGIN_ID: field('string', 'Идентификатор элемента во внешнем источнике'),
  PHONE: field('crm_multifield', 'Телефон', { isMultiple: true }),
  IM: field('crm_multifield', 'Мессенджер', { isMultiple: true }),
};
