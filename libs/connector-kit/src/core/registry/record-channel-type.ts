import { HEADER_CHANNEL_TYPE, readHeader, type RawHeaderValue } from '@crm/contracts';

/**
 * The channel type of a channels.config.v1 / channels.outbound.v1 record without decoding it: the x-channel-type
 * header; for records written before the header existed, a peek at `data.type` (config) or `data.channelType`
 * (outbound). undefined for a tombstone or an unreadable value.
 */
export function recordChannelType(headers: Readonly<Record<string, RawHeaderValue>> | undefined | null, value: Buffer | null | undefined): string | undefined {
  const header = readHeader(headers, HEADER_CHANNEL_TYPE);
  if (header) return header;
  if (!value || value.length === 0) return undefined;
  try {
    const data = (JSON.parse(value.toString('utf8')) as { data?: { type?: unknown; channelType?: unknown } })?.data;
    const type = data?.type ?? data?.channelType;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}
