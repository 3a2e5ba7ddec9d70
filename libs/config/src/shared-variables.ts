import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MinLength, ValidateIf } from 'class-validator';
import type { SecretsKeyVariables } from '@crm/secrets';
import { IsSecretKeyring } from './secret-keyring.validator';
import { IsBase64Key, IsHttpRoot, toBool } from './validators';

/**
 * Reusable pieces of DESIGN §3. TypeScript has no multiple inheritance, so apps compose these by extending
 * BaseServiceConfig and copying the decorated fields they need via the mixins below.
 */
type Ctor<T = object> = new (...args: any[]) => T;

export function WithSecretsKey<TBase extends Ctor>(Base: TBase) {
  class WithSecretsKeyConfig extends Base {
    /** base64 of 32 random bytes; encrypts credentials at rest (AES-256-GCM) as key id `legacy`. Or SECRETS_KEYS. */
    @ValidateIf((o: SecretsKeyVariables) => o.SECRETS_KEY !== undefined || o.SECRETS_KEYS === undefined)
    @IsBase64Key(32)
    SECRETS_KEY?: string;

    /** `kid:base64,kid2:base64…`: every key accepted for reading (docs/secrets.md); the first writes by default. */
    @ValidateIf((o: SecretsKeyVariables) => o.SECRETS_KEYS !== undefined || o.SECRETS_WRITE_KEY_ID !== undefined || o.SECRETS_DERIVATION_KEY_ID !== undefined)
    @IsSecretKeyring()
    SECRETS_KEYS?: string;

    /** The key id that encrypts new values (default: the first of SECRETS_KEYS). */
    @IsOptional()
    @IsString()
    SECRETS_WRITE_KEY_ID?: string;

    /** The key id of derived values (fingerprints, derived webhook secrets, visitor tokens); required with several keys. */
    @IsOptional()
    @IsString()
    SECRETS_DERIVATION_KEY_ID?: string;
  }
  return WithSecretsKeyConfig;
}

export function WithPublicUrl<TBase extends Ctor>(Base: TBase) {
  class WithPublicUrlConfig extends Base {
    /** The single public origin in front of every app. */
    @IsHttpRoot()
    PUBLIC_URL: string = 'http://localhost:8080';
  }
  return WithPublicUrlConfig;
}

export function WithJwtSecret<TBase extends Ctor>(Base: TBase) {
  class WithJwtSecretConfig extends Base {
    /** HS256 secret of the frontend's bearer tokens. */
    @IsString()
    @IsNotEmpty()
    @MinLength(16, { message: 'AUTH_JWT_SECRET must be at least 16 characters' })
    AUTH_JWT_SECRET!: string;
  }
  return WithJwtSecretConfig;
}

export function WithTelegramApiRoot<TBase extends Ctor>(Base: TBase) {
  class WithTelegramApiRootConfig extends Base {
    @IsHttpRoot()
    TELEGRAM_API_ROOT: string = 'https://api.telegram.org';
  }
  return WithTelegramApiRootConfig;
}

export function WithWhatsappGraphUrl<TBase extends Ctor>(Base: TBase) {
  class WithWhatsappGraphUrlConfig extends Base {
    @IsHttpRoot()
    WHATSAPP_GRAPH_URL: string = 'https://graph.facebook.com';
  }
  return WithWhatsappGraphUrlConfig;
}

export function WithVkApiUrl<TBase extends Ctor>(Base: TBase) {
  class WithVkApiUrlConfig extends Base {
    @IsHttpRoot()
    VK_API_URL: string = 'https://api.vk.com/method';
  }
  return WithVkApiUrlConfig;
}

export function WithAvitoApiUrl<TBase extends Ctor>(Base: TBase) {
  class WithAvitoApiUrlConfig extends Base {
    @IsHttpRoot()
    AVITO_API_URL: string = 'https://api.avito.ru';
  }
  return WithAvitoApiUrlConfig;
}

export function WithCrmUrlPolicy<TBase extends Ctor>(Base: TBase) {
  class WithCrmUrlPolicyConfig extends Base {
    /**
     * User-given CRM URLs (Bitrix24 webhook, amoCRM) must be https to a public host (SSRF); true also allows plain
     * http and loopback addresses, so tests reach local fakes. Never set in production.
     */
    @Transform(toBool)
    @IsBoolean()
    CRM_ALLOW_LOOPBACK_URLS: boolean = false;

    /** amoCRM account root (DESIGN §3); `{subdomain}` is replaced by the integration's subdomain. Tests: a local fake. */
    @Matches(/^https?:\/\/\S*\{subdomain\}(?:\S*[^/\s])?$/, { message: 'AMOCRM_BASE_URL must be an http(s) URL containing {subdomain}, without a trailing slash, e.g. https://{subdomain}.amocrm.ru' })
    AMOCRM_BASE_URL: string = 'https://{subdomain}.amocrm.ru';
  }
  return WithCrmUrlPolicyConfig;
}
