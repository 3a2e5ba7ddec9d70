import { hkdfSync, randomUUID } from 'node:crypto';
import { sign, verify } from 'jsonwebtoken';
import type { VisitorProfile } from './visitor-profile';

/** Who holds a visitor token: one visitor of one widget channel (of one account). */
export interface VisitorClaims {
  visitorId: string;
  channelId: string;
  accountId: string;
  profile: VisitorProfile;
}

export interface IssuedVisitorToken {
  token: string;
  expiresAt: Date;
}

const AUDIENCE = 'crm-widget-visitor';
const HKDF_INFO = 'crm-channels/widget-visitor-token/v1';

/** A fresh visitor id (also the visitor's externalChatId and externalUserId on Kafka). */
export function newVisitorId(): string {
  return randomUUID();
}

/**
 * Signs and checks the token the widget script keeps in localStorage. HS256 with a key derived from SECRETS_KEY
 * (HKDF, its own purpose label), so it never equals a key used for anything else. The token is the whole session:
 * the visitor id, the channel and account it belongs to, and the pre-chat profile — no server-side session table.
 */
export class VisitorTokens {
  private readonly key: Buffer;

  constructor(
    secretsKey: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), HKDF_INFO, 32));
  }

  issue(claims: VisitorClaims, now = new Date()): IssuedVisitorToken {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const profile = Object.keys(claims.profile).length > 0 ? claims.profile : undefined;
    const token = sign({ chn: claims.channelId, acc: claims.accountId, ...(profile ? { pf: profile } : {}), iat, exp }, this.key, {
      algorithm: 'HS256',
      audience: AUDIENCE,
      subject: claims.visitorId,
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid, unexpired token of ours; null for anything else (garbage, tampered, expired, alg none…). */
  verify(token: string | null | undefined): VisitorClaims | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return null;
    try {
      const payload = verify(token, this.key, { algorithms: ['HS256'], audience: AUDIENCE }) as Record<string, unknown>;
      const { sub, chn, acc, pf } = payload;
      if (typeof sub !== 'string' || typeof chn !== 'string' || typeof acc !== 'string') return null;
      const profile: VisitorProfile = {};
      if (pf && typeof pf === 'object') {
        for (const field of ['name', 'phone', 'email'] as const) {
          const value = (pf as Record<string, unknown>)[field];
          if (typeof value === 'string') profile[field] = value;
        }
      }
      return { visitorId: sub, channelId: chn, accountId: acc, profile };
    } catch {
      return null;
    }
  }
}
