// @crm/platform-avito — Avito Messenger as a channel type.
export { AVITO_DESCRIPTOR, AvitoChannelTypeAdapter } from './avito.channel-type';
export { AVITO_CLIENT_ID_PATTERN, AVITO_CLIENT_SECRET_PATTERN, AvitoSettings } from './avito.settings';
