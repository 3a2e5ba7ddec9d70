// @crm/channel-types — the channel-type port (one adapter per platform, each in its own libs/platform-* library),
// its registry, and the helpers every adapter shares for type-specific settings. Pure: no Nest, no TypeORM.
export {
  CHANNEL_TYPE_ADAPTERS,
  type ChannelCapabilities,
  type ChannelTypeAdapter,
  type ChannelTypeDescriptor,
  type ConnectionContext,
  type ConnectionInfo,
  type CredentialCheck,
  type GeneratedSecrets,
  type MessageTemplate,
  type SettingsFieldDescriptor,
} from './channel-type.port';
export { ChannelTypeRegistry } from './channel-type.registry';
export { localize, type Locale, type LocalizedText } from './localized';
export { mergeSettings, pickSettings, settingsKeys, splitSettings, validateSettings, type SettingsProblem } from './typed-settings';
