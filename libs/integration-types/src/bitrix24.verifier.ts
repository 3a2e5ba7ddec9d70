import { IsString, Matches } from 'class-validator';
import { MASK } from '@crm/secrets';
import type { IntegrationCheck, IntegrationVerifier } from './integration-verifier.port';

/** Incoming webhook URL: `https://{portal}/rest/{user_id}/{code}/` (PLATFORMS.md §5). */
export const BITRIX24_WEBHOOK_URL_PATTERN = /^https:\/\/((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?::\d{1,5})?\/rest\/(\d{1,10})\/([A-Za-z0-9]{8,64})\/?$/i;

export class Bitrix24Settings {
  @IsString()
  @Matches(BITRIX24_WEBHOOK_URL_PATTERN, {
    message: 'webhookUrl must be a Bitrix24 incoming webhook URL: https://{portal}/rest/{user_id}/{code}/',
  })
  webhookUrl!: string;
}

/** Bitrix24 through an incoming webhook. The code in the URL is the credential. Format check only for now. */
export class Bitrix24Verifier implements IntegrationVerifier<Bitrix24Settings> {
  readonly type = 'bitrix24' as const;
  readonly settingsClass = Bitrix24Settings;
  readonly secretKeys = ['webhookUrl'] as const;

  derivedSettings(settings: Bitrix24Settings): Record<string, unknown> {
    const [, portal, userId] = BITRIX24_WEBHOOK_URL_PATTERN.exec(settings.webhookUrl) ?? [];
    return { portal: portal?.toLowerCase(), userId: Number(userId) };
  }

  /** `https://portal.bitrix24.ru/rest/1/••••9z/`: where it points stays visible, the code does not. */
  mask(_key: string, value: string): string {
    const match = BITRIX24_WEBHOOK_URL_PATTERN.exec(value);
    if (!match) return MASK;
    const [, portal, userId, code] = match;
    return `https://${portal}/rest/${userId}/${MASK}${code.slice(-2)}/`;
  }

  async verify(): Promise<IntegrationCheck> {
    return { outcome: 'valid' };
  }
}
