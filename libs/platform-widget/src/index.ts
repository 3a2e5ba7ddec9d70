// @crm/platform-widget — the website chat widget as a channel type (public key, embed snippet, allowed origins).
export { WIDGET_DESCRIPTOR, WidgetChannelTypeAdapter } from './widget.channel-type';
export { isWebOrigin, WIDGET_COLOR_PATTERN, WIDGET_PRE_CHAT_FIELDS, WidgetPreChatSettings, WidgetSettings } from './widget.settings';
