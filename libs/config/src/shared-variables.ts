import { IsNotEmpty, IsString, MinLength } from 'class-validator';
import { IsBase64Key, IsHttpRoot } from './validators';

/**
 * Reusable pieces of DESIGN §3. TypeScript has no multiple inheritance, so apps compose these by extending
 * BaseServiceConfig and copying the decorated fields they need via the mixins below.
 */
type Ctor<T = object> = new (...args: any[]) => T;

export function WithSecretsKey<TBase extends Ctor>(Base: TBase) {
  class WithSecretsKeyConfig extends Base {
    /** base64 of 32 random bytes; encrypts credentials at rest (AES-256-GCM). */
    @IsBase64Key(32)
    SECRETS_KEY!: string;
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
