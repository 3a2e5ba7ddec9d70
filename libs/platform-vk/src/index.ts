// @crm/platform-vk — VK communities (Callback API) as a channel type.
export { VK_DESCRIPTOR, VkChannelTypeAdapter } from './vk.channel-type';
export { VK_ACCESS_TOKEN_PATTERN, VkSettings } from './vk.settings';
