import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ClientSnapshot, LeadSnapshot, MessageSnapshot } from '@crm/crm-port';
// CRM-neutral texts shared with the Bitrix24 adapter (the same comment/note layout in both CRMs).
import { channelLabel, commentText } from '@crm/crm-bitrix24';

/** Tag every lead we create carries, plus one with the channel type. */
export const AMOCRM_TAG = 'crm-channels';

/**
 * Our lead id in the lead's name (`… [crm-channels:<uuid>]`): the name is a field `GET /api/v4/leads?query=` searches,
 * so a retry after an unclear failure finds the lead (`request_id` is only echoed back and finds nothing later).
 */
export function leadName(lead: LeadSnapshot): string {
  const suffix = ` [crm-channels:${lead.id}]`;
  return `${lead.title.slice(0, 255 - suffix.length)}${suffix}`;
}

/** The contact part of a complex lead: name and PHONE (as given; only a verified phone is ever searched). */
export function contactBody(client: ClientSnapshot): Record<string, unknown> {
  return {
    name: client.name,
    first_name: client.name,
    ...(client.phoneE164 ? { custom_fields_values: [{ field_code: 'PHONE', values: [{ value: client.phoneE164, enum_code: 'MOB' }] }] } : {}),
  };
}

export function leadBody(lead: LeadSnapshot, stage: { pipelineId: number | null; statusId: number | null }, contact: Record<string, unknown> | null): Record<string, unknown> {
  return {
    name: leadName(lead),
    ...(stage.pipelineId !== null ? { pipeline_id: stage.pipelineId } : {}),
    ...(stage.statusId !== null ? { status_id: stage.statusId } : {}),
    _embedded: {
      tags: [{ name: AMOCRM_TAG }, { name: channelLabel(lead.channel) }],
      ...(contact ? { contacts: [contact] } : {}),
    },
    request_id: lead.id,
  };
}

/** A `common` note with the message and the marker with our message id (found again by a retry). */
export function noteBody(leadExternalId: string, message: MessageSnapshot): Record<string, unknown> {
  return { entity_id: Number(leadExternalId), note_type: 'common', params: { text: commentText(message) } };
}

/**
 * What to search contacts with for a verified E.164 phone: its national number, which amoCRM's substring-ish search
 * finds in every way the phone may be written there (+7…, 7…, 8…, with spaces or dashes).
 */
export function phoneQuery(e164: string): string {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/\D+/g, '');
}

/** Whether a phone as written in amoCRM is the same number as `e164` (its variants: +7…, 7…, 8… for Russia). */
export function samePhone(written: string, e164: string): boolean {
  const ours = parsePhoneNumberFromString(e164);
  if (!ours) return false;
  const digits = written.replace(/\D+/g, '');
  if (`+${digits}` === ours.number) return true;
  const national = String(ours.nationalNumber);
  if (digits === national) return true;
  return ours.countryCallingCode === '7' && digits.length === national.length + 1 && digits.startsWith('8') && digits.endsWith(national);
}
