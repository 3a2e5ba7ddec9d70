import { isHttpsOnHosts, isSameOrigin, openPlatformFile, PlatformFileError, type PlatformFileStream } from '@crm/connector-kit';
import { AvitoApiClient } from '../api/avito-api.client';
import { describeAvitoFailure } from '../api/avito-failure';

export interface AvitoFileRequest {
  /** An image's URL (the largest size) or a voice message's voice_id, as the inbound message carried it. */
  platformFileId: string;
  clientId: string;
  clientSecret: string;
  /** The messenger user_id (learned on save). */
  userId: number;
}

/** Only Avito's own hosts (avito.ru, avito.st and their subdomains, https) — or AVITO_API_URL's origin (tests). */
export function isAvitoFileUrl(url: string, apiUrl: string): boolean {
  return isSameOrigin(url, apiUrl) || isHttpsOnHosts(url, ['avito.ru', 'avito.st']);
}

/**
 * Opens an inbound attachment for streaming: an image from its URL; a voice message through `getVoiceFiles` (its
 * link is valid for 1 h, so it is asked when an agent opens the file, with a token of the channel's credentials).
 */
export async function openAvitoFile(request: AvitoFileRequest, options: { apiUrl: string; timeoutMs: number; fetch?: typeof fetch }): Promise<PlatformFileStream> {
  const url = /^https?:\/\//i.test(request.platformFileId) ? request.platformFileId : await voiceUrl(request, options);
  return openPlatformFile(url, { platform: 'Avito', allowed: (u) => isAvitoFileUrl(u, options.apiUrl), timeoutMs: options.timeoutMs, fetch: options.fetch });
}

async function voiceUrl(request: AvitoFileRequest, options: { apiUrl: string; timeoutMs: number; fetch?: typeof fetch }): Promise<string> {
  const api = new AvitoApiClient({ baseUrl: options.apiUrl, timeoutMs: options.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const token = await api.requestToken(request.clientId, request.clientSecret);
  if (!token.ok) throw new PlatformFileError(token.failure.kind === 'rejected' ? 'not-found' : 'unavailable', `Avito /token: ${describeAvitoFailure(token.failure)}`);
  const voices = await api.getVoiceFiles(token.value.accessToken, request.userId, [request.platformFileId]);
  if (!voices.ok) throw new PlatformFileError(voices.failure.kind === 'permanent' ? 'not-found' : 'unavailable', `Avito getVoiceFiles: ${describeAvitoFailure(voices.failure)}`);
  const url = voices.value[request.platformFileId];
  if (typeof url !== 'string' || url === '') throw new PlatformFileError('not-found', 'Avito knows no such voice message');
  return url;
}
