import { Injectable } from '@nestjs/common';
import { mergeSettings, pickSettings, splitSettings, validateSettings } from '@crm/channel-types';
import { ErrorCode } from '@crm/domain';
import { IntegrationVerifierRegistry, type IntegrationVerifier } from '@crm/integration-types';
import type { IntegrationEntity, IntegrationStatus } from '@crm/persistence';
import { isMasked } from '@crm/secrets';
import { SecretBox } from '../security/secret-box';

export interface PreparedIntegrationSettings {
  settings: Record<string, unknown>;
  secretsEncrypted: string | null;
  status: IntegrationStatus;
  statusReason: string | null;
}

/**
 * Validates an integration's settings with its CRM's own class, asks its verifier (format-only today), and splits them
 * into the stored non-secret part and the encrypted credentials.
 */
@Injectable()
export class IntegrationSettingsService {
  constructor(
    private readonly verifiers: IntegrationVerifierRegistry,
    private readonly secrets: SecretBox,
  ) {}

  verifierOf(type: string): IntegrationVerifier<Record<string, unknown>> {
    return this.verifiers.get(type);
  }

  /** New settings for a new integration. */
  prepare(type: string, input: unknown): Promise<PreparedIntegrationSettings> {
    const verifier = this.verifierOf(type);
    return this.finish(verifier, validateSettings(verifier.settingsClass, input, { code: ErrorCode.INTEGRATION_SETTINGS_INVALID }));
  }

  /** PATCH: the stored settings merged with `patch` (masked values echoed back count as unchanged), then validated. */
  merge(row: IntegrationEntity, patch: Record<string, unknown>): Promise<PreparedIntegrationSettings> {
    const verifier = this.verifierOf(row.type);
    const current = pickSettings(verifier.settingsClass, { ...row.settings, ...this.secrets.decryptJson(row.secretsEncrypted) });
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => !isMasked(v)));
    const merged = verifier.mergeSettings ? verifier.mergeSettings(current, changes) : mergeSettings(current, changes);
    return this.finish(verifier, validateSettings(verifier.settingsClass, merged, { code: ErrorCode.INTEGRATION_SETTINGS_INVALID }), this.secrets.decryptJson(row.secretsEncrypted));
  }

  private async finish(verifier: IntegrationVerifier<Record<string, unknown>>, settings: Record<string, unknown>, stored?: Record<string, unknown>): Promise<PreparedIntegrationSettings> {
    const check = await verifier.verify(settings, { stored });
    // What the check obtained (amoCRM: the exchanged OAuth pair, the resolved pipeline/stage) is stored with the rest.
    const learned = check.learned ?? {};
    const { publicSettings, secrets } = splitSettings({ ...settings, ...learned.secrets }, [...verifier.secretKeys, ...Object.keys(learned.secrets ?? {})]);
    return {
      settings: { ...publicSettings, ...verifier.derivedSettings?.(settings), ...learned.settings },
      secretsEncrypted: secrets ? this.secrets.encryptJson(secrets) : null,
      status: check.outcome === 'valid' ? 'active' : 'error',
      statusReason: check.outcome === 'valid' ? null : ErrorCode.PLATFORM_UNAVAILABLE,
    };
  }
}
