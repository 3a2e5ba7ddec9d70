import {
  IsDefined,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { mergeSettings } from '@crm/channel-types';
import type { IntegrationCheck, IntegrationVerifier } from './integration-verifier.port';

/** Fails when `other` is set too: exactly one of two keys may be given. */
function NotTogetherWith(other: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notTogetherWith',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: (a: ValidationArguments) => `give either ${a.property} or ${other}, not both` },
      validator: { validate: (_v: unknown, a: ValidationArguments) => (a.object as Record<string, unknown>)[other] === undefined },
    });
}

const ONE_OF = 'either authCode (OAuth authorization code) or longLivedToken is required';

/** amoCRM / Kommo OAuth integration settings (PLATFORMS.md §6): an auth code to exchange, or a long-lived token. */
export class AmocrmSettings {
  /** `{subdomain}.amocrm.ru` — only the subdomain. */
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'subdomain must be the account subdomain, e.g. "mycompany" for mycompany.amocrm.ru' })
  subdomain!: string;

  /** The integration id (a UUID in the integration's "Keys and scopes" tab). */
  @IsUUID('all', { message: 'clientId must be the integration id (a UUID)' })
  clientId!: string;

  @IsString()
  @Matches(/^[A-Za-z0-9]{20,128}$/, { message: 'clientSecret must be the integration secret key (20–128 letters and digits)' })
  clientSecret!: string;

  @IsString()
  @MaxLength(2048)
  @Matches(/^https:\/\/[^\s/?#]+(?:\/[^\s]*)?$/, { message: 'redirectUri must be the https redirect URI registered for the integration' })
  redirectUri!: string;

  @ValidateIf((o: AmocrmSettings) => o.longLivedToken === undefined || o.authCode !== undefined)
  @IsDefined({ message: ONE_OF })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{20,4096}$/, { message: 'authCode must be the authorization code amoCRM issued (20–4096 characters)' })
  @NotTogetherWith('longLivedToken')
  authCode?: string;

  @ValidateIf((o: AmocrmSettings) => o.authCode === undefined || o.longLivedToken !== undefined)
  @IsDefined({ message: ONE_OF })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'longLivedToken must be the long-lived token (a JWT) from the integration settings' })
  @MaxLength(8192)
  longLivedToken?: string;
}

/** amoCRM. Format check only for now; the token exchange / account call comes with the integrations service. */
export class AmocrmVerifier implements IntegrationVerifier<AmocrmSettings> {
  readonly type = 'amocrm' as const;
  readonly settingsClass = AmocrmSettings;
  readonly secretKeys = ['clientSecret', 'authCode', 'longLivedToken'] as const;

  /** Giving one way of authorizing drops the other one that was stored. */
  mergeSettings(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
    const base = { ...current };
    if (patch.authCode !== undefined && patch.authCode !== null) delete base.longLivedToken;
    if (patch.longLivedToken !== undefined && patch.longLivedToken !== null) delete base.authCode;
    return mergeSettings(base, patch);
  }

  async verify(): Promise<IntegrationCheck> {
    return { outcome: 'valid' };
  }
}
