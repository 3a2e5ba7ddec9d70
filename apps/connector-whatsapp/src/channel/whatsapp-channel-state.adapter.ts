import { Injectable } from '@nestjs/common';
import type { ChannelSecrets, ChannelStatePort, ConnectorChannel } from '@crm/connector-kit';
import { resolveWhatsappChannel, type WhatsappChannelState } from '@crm/platform-whatsapp';

/** ChannelStatePort: a channels.config.v1 record → number id, token, app secret, verify token (libs/platform-whatsapp). */
@Injectable()
export class WhatsappChannelStateAdapter implements ChannelStatePort<WhatsappChannelState> {
  resolve(base: ConnectorChannel, secrets: ChannelSecrets): WhatsappChannelState {
    return resolveWhatsappChannel(base, secrets);
  }
}
