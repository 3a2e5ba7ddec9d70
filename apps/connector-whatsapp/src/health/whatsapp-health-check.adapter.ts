import { Inject, Injectable } from '@nestjs/common';
import { type ChannelHealth, type HealthCheckPort, KitHealthCause } from '@crm/connector-kit';
import { WhatsappGraphClient, WhatsappSendError, type WhatsappChannelState } from '@crm/platform-whatsapp';
import { SERVICE_CONFIG } from '@crm/service-kit';
import type { ConnectorWhatsappConfig } from '../config/connector-whatsapp.config';

/**
 * HealthCheckPort: the number read with the channel's token (GET /{phone-number-id}) → active; the token refused (190)
 * → needs-reauth WHATSAPP_TOKEN_INVALID; Graph unreachable → degraded PLATFORM_UNAVAILABLE.
 */
@Injectable()
export class WhatsappHealthCheckAdapter implements HealthCheckPort<WhatsappChannelState> {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ConnectorWhatsappConfig) {}

  async check(channel: WhatsappChannelState): Promise<ChannelHealth> {
    const client = new WhatsappGraphClient(channel.accessToken, { baseUrl: this.config.WHATSAPP_GRAPH_URL, timeoutMs: this.config.WHATSAPP_GRAPH_TIMEOUT_MS });
    const result = await client.getPhoneNumber(channel.phoneNumberId);
    if (result.ok) return { status: 'active' };
    const f = result.failure;
    if (f.kind === 'rejected') return { status: 'needs-reauth', causeCode: WhatsappSendError.TokenInvalid, message: `${f.code} ${f.message}` };
    if (f.kind === 'permanent') return { status: 'degraded', causeCode: 'WHATSAPP_PHONE_NUMBER_NOT_FOUND', message: `${f.code} ${f.message}` };
    return { status: 'degraded', causeCode: KitHealthCause.PlatformUnavailable, message: f.kind === 'unavailable' ? f.message : `${f.code} ${f.message}` };
  }
}
