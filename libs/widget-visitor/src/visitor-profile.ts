/** What a visitor told about themselves in the widget's pre-chat form (all optional). */
export interface VisitorProfile {
  name?: string;
  phone?: string;
  email?: string;
}

export const PRE_CHAT_FIELDS = ['name', 'phone', 'email'] as const;
export type PreChatField = (typeof PRE_CHAT_FIELDS)[number];

/** The pre-chat form of a channel: which fields are asked, which of them must be filled before the first message. */
export interface PreChatForm {
  fields: PreChatField[];
  required: PreChatField[];
}

export const PROFILE_LIMITS = Object.freeze({ name: 200, phone: 32, email: 254 });

/** Phone as typed: digits with optional +, spaces, dashes, dots and parentheses; 5–15 digits. */
export const PHONE_PATTERN = /^\+?[\d\s().-]{5,32}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims the values, drops empty ones and fields the form does not ask for. Throws nothing: validation is separate. */
export function cleanProfile(profile: VisitorProfile | undefined, form: PreChatForm | null): VisitorProfile {
  const out: VisitorProfile = {};
  if (!profile) return out;
  for (const field of PRE_CHAT_FIELDS) {
    if (form && !form.fields.includes(field)) continue;
    const value = typeof profile[field] === 'string' ? profile[field]!.replace(/\s+/g, ' ').trim() : '';
    if (value) out[field] = value;
  }
  return out;
}

/** Problems of a cleaned profile as `{ path, constraints }` (empty when valid). */
export function profileProblems(profile: VisitorProfile): Array<{ path: string; constraints: string[] }> {
  const problems: Array<{ path: string; constraints: string[] }> = [];
  if (profile.name !== undefined && profile.name.length > PROFILE_LIMITS.name) {
    problems.push({ path: 'profile.name', constraints: [`name must be at most ${PROFILE_LIMITS.name} characters`] });
  }
  if (profile.phone !== undefined) {
    const digits = profile.phone.replace(/\D/g, '').length;
    if (!PHONE_PATTERN.test(profile.phone) || digits < 5 || digits > 15) {
      problems.push({ path: 'profile.phone', constraints: ['phone must be a phone number (5 to 15 digits)'] });
    }
  }
  if (profile.email !== undefined && (profile.email.length > PROFILE_LIMITS.email || !EMAIL_PATTERN.test(profile.email))) {
    problems.push({ path: 'profile.email', constraints: ['email must be an email address'] });
  }
  return problems;
}

/** Required fields of the form the profile still lacks. */
export function missingPreChatFields(profile: VisitorProfile, form: PreChatForm | null): PreChatField[] {
  if (!form) return [];
  return form.required.filter((field) => !profile[field]);
}
