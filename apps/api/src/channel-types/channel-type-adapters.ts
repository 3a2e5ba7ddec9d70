import type { ChannelTypeAdapter } from '@crm/channel-types';
import { AvitoChannelTypeAdapter } from '@crm/platform-avito';
import { TelegramChannelTypeAdapter } from '@crm/platform-telegram';
import { VkChannelTypeAdapter } from '@crm/platform-vk';
import { WhatsappChannelTypeAdapter } from '@crm/platform-whatsapp';
import { WidgetChannelTypeAdapter } from '@crm/platform-widget';
import type { ApiConfig } from '../config/api.config';

/** The registration of every channel type (CHANNEL_TYPE_ADAPTERS): a new type = its libs/platform-* + one line here. */
export const CHANNEL_TYPE_ADAPTER_FACTORIES: ReadonlyArray<(config: ApiConfig) => ChannelTypeAdapter<any>> = [
  (config) => new TelegramChannelTypeAdapter({ apiRoot: config.TELEGRAM_API_ROOT, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS }),
  (config) => new WhatsappChannelTypeAdapter({ graphUrl: config.WHATSAPP_GRAPH_URL, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS }),
  (config) => new VkChannelTypeAdapter({ apiUrl: config.VK_API_URL, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS }),
  (config) => new AvitoChannelTypeAdapter({ baseUrl: config.AVITO_API_URL, timeoutMs: config.PLATFORM_VERIFY_TIMEOUT_MS }),
  () => new WidgetChannelTypeAdapter(),
];
