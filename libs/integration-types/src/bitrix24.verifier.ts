import { IsString, Matches } from 'class-validator';
import { Bitrix24Client, Bitrix24CrmAdapter, BITRIX24_WEBHOOK_URL_PATTERN, parseBitrix24Webhook } from '@crm/crm-bitrix24';
import { CrmHttpClient, CrmUrlPolicy } from '@crm/crm-port';
import { DomainError, ERROR_CODES, ErrorCode } from '@crm/domain';
import { MASK } from '@crm/secrets';
import type { IntegrationCheck, IntegrationVerifier } from './integration-verifier.port';

export { BITRIX24_WEBHOOK_URL_PATTERN };

export class Bitrix24Settings {
  @IsString()
  @Matches(BITRIX24_WEBHOOK_URL_PATTERN, {
    message: 'webhookUrl must be a Bitrix24 incoming webhook URL: https://{portal}/rest/{user_id}/{code}/',
  })
  webhookUrl!: string;
}

export interface Bitrix24VerifierOptions {
  /** CRM_ALLOW_LOOPBACK_URLS (DESIGN §3): tests reach a local fake over http://127.0.0.1. Default false. */
  allowLoopbackUrls?: boolean;
  /** Timeout of the check call. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Bitrix24 through an incoming webhook. The code in the URL is the credential. Saving checks it with a real call
 * (`crm.lead.fields`, which needs the `crm` scope): a deleted or expired webhook → 422 BITRIX24_WEBHOOK_INVALID; no
 * crm scope → 422 BITRIX24_SCOPE_MISSING naming it; a URL that is not https to a public host → 400
 * INTEGRATION_SETTINGS_INVALID (SSRF); the portal unreachable → saved with status error and re-checked later.
 */
export class Bitrix24Verifier implements IntegrationVerifier<Bitrix24Settings> {
  readonly type = 'bitrix24' as const;
  /** Forwarding works (apps/integrations with @crm/crm-bitrix24, issue 14). */
  readonly available = true;
  readonly settingsClass = Bitrix24Settings;
  readonly secretKeys = ['webhookUrl'] as const;
  private readonly adapter: Bitrix24CrmAdapter;

  constructor(options: Bitrix24VerifierOptions = {}) {
    const http = new CrmHttpClient(new CrmUrlPolicy({ allowLoopback: options.allowLoopbackUrls ?? false }));
    this.adapter = new Bitrix24CrmAdapter(new Bitrix24Client(http, options.timeoutMs ?? 10_000));
  }

  derivedSettings(settings: Bitrix24Settings): Record<string, unknown> {
    const webhook = parseBitrix24Webhook(settings.webhookUrl);
    return { portal: webhook?.portal, userId: webhook?.userId };
  }

  /** `https://portal.bitrix24.ru/rest/1/••••9z/`: where it points stays visible, the code does not. */
  mask(_key: string, value: string): string {
    const webhook = parseBitrix24Webhook(value);
    if (!webhook) return MASK;
    const origin = new URL(webhook.base).origin;
    return `${origin}/rest/${webhook.userId}/${MASK}${webhook.code.slice(-2)}/`;
  }

  async verify(settings: Bitrix24Settings): Promise<IntegrationCheck> {
    const check = await this.adapter.verify(this.adapter.connect({ settings: {}, secrets: { webhookUrl: settings.webhookUrl } }));
    if (check.outcome !== 'rejected') return check;
    const code = (ERROR_CODES as string[]).includes(check.code) ? (check.code as ErrorCode) : ErrorCode.BITRIX24_WEBHOOK_INVALID;
    throw new DomainError(code, check.params ?? {}, [{ path: 'settings.webhookUrl', constraints: [check.detail] }]);
  }
}
