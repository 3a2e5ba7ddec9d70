import { Inject, Injectable } from '@nestjs/common';
import { credentialFingerprint, decryptJson, decryptSecret, encryptJson, encryptSecret, maskSecret, secretKeyringFromEnv, type SecretKeyring } from '@crm/secrets';
import { SERVICE_CONFIG } from '@crm/service-kit';
import { ApiConfig } from '../config/api.config';

/** @crm/secrets bound to this process's keyring (SECRETS_KEYS / SECRETS_KEY; docs/secrets.md). */
@Injectable()
export class SecretBox {
  private readonly key: SecretKeyring;

  constructor(@Inject(SERVICE_CONFIG) config: ApiConfig) {
    this.key = secretKeyringFromEnv(config);
  }

  encrypt(plaintext: string): string {
    return encryptSecret(plaintext, this.key);
  }

  decrypt(encrypted: string): string {
    return decryptSecret(encrypted, this.key);
  }

  encryptJson(value: Record<string, unknown>): string {
    return encryptJson(value, this.key);
  }

  decryptJson(encrypted: string | null): Record<string, unknown> {
    return encrypted ? decryptJson<Record<string, unknown>>(encrypted, this.key) : {};
  }

  fingerprint(scope: string, identity: string): string {
    return credentialFingerprint(scope, identity, this.key);
  }

  /** Every secret of `secrets` masked (`••••xY`), with an optional per-key masker. */
  mask(secrets: Record<string, unknown>, masker: (key: string, value: string) => string = (_k, v) => maskSecret(v) ?? ''): Record<string, string> {
    return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, masker(k, String(v))]));
  }
}
