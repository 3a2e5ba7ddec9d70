// @crm/platform-whatsapp — WhatsApp Business Cloud API as a channel type.
export { WHATSAPP_DESCRIPTOR, WhatsappChannelTypeAdapter } from './whatsapp.channel-type';
export { WHATSAPP_ACCESS_TOKEN_PATTERN, WHATSAPP_APP_SECRET_PATTERN, WHATSAPP_PHONE_NUMBER_ID_PATTERN, WhatsappSettings } from './whatsapp.settings';
