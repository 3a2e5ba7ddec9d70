import { isHttpsOnHosts, isSameOrigin, openPlatformFile, type PlatformFileStream } from '@crm/connector-kit';

/** Hosts VK serves attachment files from (photos, documents, voice messages, stickers, audio). */
const VK_FILE_HOSTS = ['vk.com', 'vk.ru', 'vk.me', 'userapi.com', 'vkuseraudio.net', 'vkuservideo.net', 'vkuserphoto.ru', 'vk-cdn.net', 'mycdn.me'];

/**
 * Whether an attachment URL may be fetched: https on a VK file host — or the origin of VK_API_URL itself (a local
 * fake in tests; api.vk.com in production, a VK host anyway). Anything else is refused: the URL came from a webhook
 * body, and the server must not be made to fetch arbitrary addresses (SSRF).
 */
export function isVkFileUrl(url: string, apiUrl: string): boolean {
  return isSameOrigin(url, apiUrl) || isHttpsOnHosts(url, VK_FILE_HOSTS);
}

/** Opens a VK attachment for streaming: VK attachment URLs are direct (see openPlatformFile for the outcomes). */
export function openVkFile(url: string, options: { apiUrl: string; timeoutMs: number; fetch?: typeof fetch }): Promise<PlatformFileStream> {
  return openPlatformFile(url, { platform: 'VK', allowed: (u) => isVkFileUrl(u, options.apiUrl), timeoutMs: options.timeoutMs, fetch: options.fetch });
}
