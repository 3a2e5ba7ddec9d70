import type { Api } from 'grammy';
import { Readable } from 'node:stream';

/** A file fetched from Telegram, streamed. */
export interface TelegramFileStream {
  body: Readable;
  /** Bytes, when Telegram or the download says. */
  size?: number;
  /** Content-Type of the download (Telegram's file server often says application/octet-stream). */
  contentType?: string;
}

/** The file could not be fetched: `notFound` for a file id Telegram does not know (or one too big for bots). */
export class TelegramFileError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-found' | 'unavailable',
  ) {
    super(message);
    this.name = 'TelegramFileError';
  }
}

/**
 * Streams a file a user sent: getFile(file_id) → `${apiRoot}/file/bot<token>/<file_path>` (PLATFORMS.md §1; grammY
 * does not build this URL). The token is only ever in the request URL to Telegram — never in errors or logs.
 */
export async function openTelegramFile(api: Api, apiRoot: string, token: string, fileId: string, options: { timeoutMs?: number } = {}): Promise<TelegramFileStream> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new TelegramFileError('Telegram gave no file_path (the file is unavailable to bots)', 'not-found');
  const url = `${apiRoot.replace(/\/+$/, '')}/file/bot${token}/${file.file_path.split('/').map(encodeURIComponent).join('/')}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (err) {
    throw new TelegramFileError(`file download failed: ${(err as Error).name}`, 'unavailable');
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new TelegramFileError(`file download answered ${res.status}`, res.status === 404 || res.status === 400 ? 'not-found' : 'unavailable');
  }
  const length = Number(res.headers.get('content-length') ?? file.file_size);
  return {
    body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}),
    ...(res.headers.get('content-type') ? { contentType: res.headers.get('content-type')! } : {}),
  };
}
