import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { mergeSettings, pickSettings, splitSettings, validateSettings, type ChannelTypeAdapter, type CredentialCheck } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import type { ChannelEntity, ChannelStatus } from '@crm/persistence';
import { isMasked } from '@crm/secrets';
import { SecretBox } from '../security/secret-box';

type Adapter = ChannelTypeAdapter<Record<string, unknown>>;

/** What a channel row stores for validated settings. */
export interface StoredSettings {
  settings: Record<string, unknown>;
  secretsEncrypted: string | null;
  credentialFingerprint: string | null;
}

/** Reason of status error when the platform could not be asked; the re-verification scheduler looks for it. */
export const PLATFORM_UNAVAILABLE = ErrorCode.PLATFORM_UNAVAILABLE;

/**
 * Type-specific settings through the type's adapter: validation with its own class (whitelist, unknown keys refused),
 * duplicate detection by a keyed fingerprint of the platform identity, credential checks, and the split into stored
 * non-secret settings and encrypted credentials.
 */
@Injectable()
export class ChannelSettingsService {
  constructor(private readonly secrets: SecretBox) {}

  validate(adapter: Adapter, input: unknown): Record<string, unknown> {
    return validateSettings(adapter.settingsClass, input, { code: ErrorCode.CHANNEL_SETTINGS_INVALID });
  }

  /** The settings a client could send, as stored now (public input keys + decrypted credentials). */
  current(adapter: Adapter, row: ChannelEntity): Record<string, unknown> {
    return pickSettings(adapter.settingsClass, { ...row.settings, ...this.secrets.decryptJson(row.secretsEncrypted) });
  }

  /** PATCH: stored settings merged with `patch` (masked values echoed back are "unchanged"), validated again. */
  merge(adapter: Adapter, row: ChannelEntity, patch: Record<string, unknown>): Record<string, unknown> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => !isMasked(v)));
    return this.validate(adapter, mergeSettings(this.current(adapter, row), changes));
  }

  /** true when the credentials or the identity differ (what needs a new check). */
  credentialsDiffer(adapter: Adapter, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    return adapter.identity(a) !== adapter.identity(b) || adapter.secretKeys.some((k) => a[k] !== b[k]);
  }

  fingerprint(adapter: Adapter, settings: Record<string, unknown>): string | null {
    const identity = adapter.identity(settings);
    return identity === null ? null : this.secrets.fingerprint(adapter.type, identity);
  }

  /** 409 CHANNEL_ALREADY_CONNECTED when another live channel of the account has the same platform identity. */
  async assertNotConnected(manager: EntityManager, accountId: string, adapter: Adapter, fingerprint: string | null, exceptId?: string): Promise<void> {
    if (fingerprint === null) return;
    const rows = (await manager.query(
      `SELECT id, name FROM channels WHERE account_id = $1 AND type = $2 AND credential_fingerprint = $3 AND deleted_at IS NULL AND id <> $4 LIMIT 1`,
      [accountId, adapter.type, fingerprint, exceptId ?? '00000000-0000-0000-0000-000000000000'],
    )) as Array<{ id: string; name: string }>;
    if (rows.length > 0) {
      throw new DomainError(ErrorCode.CHANNEL_ALREADY_CONNECTED, { what: adapter.descriptor.title.ru, channel: rows[0].name }, { channelId: rows[0].id, channelName: rows[0].name });
    }
  }

  /** The platform's verdict; a rejection throws the adapter's 422 DomainError. */
  verify(adapter: Adapter, settings: Record<string, unknown>): Promise<CredentialCheck> {
    return adapter.verifyCredentials(settings);
  }

  store(adapter: Adapter, settings: Record<string, unknown>, check: CredentialCheck | null, previous?: Record<string, unknown>): StoredSettings {
    const { publicSettings, secrets } = splitSettings(settings, adapter.secretKeys);
    const learned = check?.outcome === 'valid' ? check.learned ?? {} : keptFacts(adapter, previous);
    return {
      settings: { ...publicSettings, ...adapter.derivedSettings?.(settings), ...learned },
      secretsEncrypted: secrets ? this.secrets.encryptJson(secrets) : null,
      credentialFingerprint: this.fingerprint(adapter, settings),
    };
  }

  /** Status after a check: active, or error with PLATFORM_UNAVAILABLE (the background retry picks it up). */
  statusAfter(check: CredentialCheck): { status: ChannelStatus; statusReason: string | null } {
    return check.outcome === 'valid' ? { status: 'active', statusReason: null } : { status: 'error', statusReason: PLATFORM_UNAVAILABLE };
  }
}

/** Facts learned earlier (not input keys, not derived) survive a change that did not ask the platform again. */
function keptFacts(adapter: Adapter, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!previous) return {};
  const input = new Set(Object.keys(pickSettings(adapter.settingsClass, previous)));
  return Object.fromEntries(Object.entries(previous).filter(([k]) => !input.has(k)));
}
