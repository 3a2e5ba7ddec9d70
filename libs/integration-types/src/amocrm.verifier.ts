import {
  IsDefined,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { mergeSettings } from '@crm/channel-types';
import {
  AmocrmAccess,
  AmocrmApiError,
  AmocrmClient,
  AmocrmCrmAdapter,
  AmocrmGrantRejectedError,
  authCodeFingerprint,
  chooseStage,
  checkOutcome,
  DEFAULT_AMOCRM_BASE_URL,
  HeldTokenStore,
  parsePipelines,
  readTokens,
  type AmocrmConnection,
} from '@crm/crm-amocrm';
import { CrmHttpClient, CrmUrlPolicy, CrmUrlRefusedError } from '@crm/crm-port';
import { DomainError, ErrorCode } from '@crm/domain';
import { MASK, maskSecret } from '@crm/secrets';
import type { IntegrationCheck, IntegrationVerifier, VerifyContext } from './integration-verifier.port';

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

  /** The pipeline new leads go to (default: the main one). Checked against the account's pipelines. */
  @IsOptional()
  @IsInt()
  @IsPositive()
  pipelineId?: number;

  /** The stage new leads go to (default: the pipeline's first open stage after the unsorted one). */
  @IsOptional()
  @IsInt()
  @IsPositive()
  statusId?: number;
}

export interface AmocrmVerifierOptions {
  /** CRM_ALLOW_LOOPBACK_URLS (DESIGN §3): tests reach a local fake over http://127.0.0.1. Default false. */
  allowLoopbackUrls?: boolean;
  /** Timeout of each check call. Default 10 s. */
  timeoutMs?: number;
  /** AMOCRM_BASE_URL. Default `https://{subdomain}.amocrm.ru`. */
  baseUrl?: string;
}

/** Key of the stored OAuth pair among the integration's secrets (encrypted, never shown). */
const OAUTH_KEY = 'oauth';
const UNSAVED = { id: 'unsaved', accountId: 'unsaved' };

/**
 * amoCRM / Kommo (PLATFORMS.md §6). Saving checks with real calls: an `authCode` is exchanged at once (codes live about
 * 20 minutes and are single use; refused → 422 AMOCRM_AUTH_CODE_INVALID) and the pair is stored encrypted; a
 * `longLivedToken` is tried with `GET /api/v4/account` (401 → 422 AMOCRM_TOKEN_INVALID). The pipelines are read so
 * `pipelineId`/`statusId` are checked (or chosen: the main pipeline's first open stage). A PATCH that keeps the same
 * code re-checks with the stored pair (refreshing it under the PATCH's row lock when it is due) instead of exchanging
 * the used code again.
 */
export class AmocrmVerifier implements IntegrationVerifier<AmocrmSettings> {
  readonly type = 'amocrm' as const;
  /** Forwarding works (apps/integrations with @crm/crm-amocrm, issue 15). */
  readonly available = true;
  readonly settingsClass = AmocrmSettings;
  readonly secretKeys = ['clientSecret', 'authCode', 'longLivedToken', OAUTH_KEY] as const;
  private readonly client: AmocrmClient;
  private readonly baseUrl: string;

  constructor(options: AmocrmVerifierOptions = {}) {
    const http = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: options.allowLoopbackUrls ?? false }));
    this.client = new AmocrmClient(http, options.timeoutMs ?? 10_000);
    this.baseUrl = options.baseUrl ?? DEFAULT_AMOCRM_BASE_URL;
  }

  /** Giving one way of authorizing drops the other one that was stored; another pipeline drops the stored stage. */
  mergeSettings(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
    const base = { ...current };
    if (patch.authCode !== undefined && patch.authCode !== null) delete base.longLivedToken;
    if (patch.longLivedToken !== undefined && patch.longLivedToken !== null) delete base.authCode;
    if (patch.pipelineId !== undefined && patch.statusId === undefined) delete base.statusId;
    return mergeSettings(base, patch);
  }

  mask(key: string, value: string): string {
    return key === OAUTH_KEY ? MASK : (maskSecret(value) ?? MASK);
  }

  async verify(settings: AmocrmSettings, context: VerifyContext = {}): Promise<IntegrationCheck> {
    const stored = readTokens(context.stored?.[OAUTH_KEY]);
    // The same code as the stored pair came from: it is used up; the pair is what to check with.
    const reuse = settings.authCode && stored?.code === authCodeFingerprint(settings.authCode) ? stored : null;
    const held = new HeldTokenStore(reuse);
    const access = new AmocrmAccess(this.client, held);
    const conn = new AmocrmCrmAdapter(access, this.baseUrl).connect({
      settings: { ...settings },
      secrets: { clientSecret: settings.clientSecret, authCode: settings.authCode, longLivedToken: settings.longLivedToken, ...(reuse ? { [OAUTH_KEY]: reuse } : {}) },
      integration: UNSAVED,
    });
    const learned = () => (held.tokens ? { secrets: { [OAUTH_KEY]: held.tokens } } : {});
    try {
      await this.client.http.policy.assertAllowed(conn.base);
      await access.call(conn, 'GET', '/api/v4/account');
      const stage = await this.stage(access, conn, settings);
      return { outcome: 'valid', learned: { ...learned(), settings: stage } };
    } catch (err) {
      const check = this.failure(err, settings);
      return { ...check, learned: learned() };
    }
  }

  private async stage(access: AmocrmAccess, conn: AmocrmConnection, settings: AmocrmSettings): Promise<{ pipelineId: number; statusId: number }> {
    const pipelines = parsePipelines(await access.call(conn, 'GET', '/api/v4/leads/pipelines'));
    const choice = chooseStage(pipelines, settings.pipelineId, settings.statusId);
    if ('problem' in choice) {
      throw new DomainError(ErrorCode.INTEGRATION_SETTINGS_INVALID, {}, [{ path: `settings.${choice.problem.field}`, constraints: [choice.problem.message] }]);
    }
    return choice;
  }

  /** Refused credentials → 422 (nothing saved); amoCRM unreachable → saved as error and re-checked. */
  private failure(err: unknown, settings: AmocrmSettings): { outcome: 'unavailable'; detail: string } {
    if (err instanceof DomainError) throw err;
    if (err instanceof CrmUrlRefusedError) {
      throw new DomainError(ErrorCode.INTEGRATION_SETTINGS_INVALID, {}, [{ path: 'settings.subdomain', constraints: [`the amoCRM address ${err.message}`] }]);
    }
    const field = settings.longLivedToken ? 'settings.longLivedToken' : 'settings.authCode';
    if (err instanceof AmocrmGrantRejectedError && err.grant === 'authorization_code') {
      throw new DomainError(ErrorCode.AMOCRM_AUTH_CODE_INVALID, {}, [{ path: field, constraints: [`${err.message}; an authorization code lives about 20 minutes and works once`] }]);
    }
    const check = checkOutcome(err);
    if (check.outcome === 'rejected' || (err instanceof AmocrmApiError && err.status === 401)) {
      const detail = check.outcome === 'rejected' ? check.detail : (err as Error).message;
      throw new DomainError(ErrorCode.AMOCRM_TOKEN_INVALID, {}, [{ path: field, constraints: [detail] }]);
    }
    if (check.outcome === 'valid') throw err;
    return check;
  }
}
