import type { ChannelConfigData } from '@crm/contracts';
import { decryptJson, decryptSecret } from '@crm/secrets';
import type { ChannelStatePort, ConnectorChannel } from '../../ports/channel-state.port';
import type { ChannelStateBuilder } from './channel-registry';

/**
 * A record → the connector's state: the common fields, the credentials decrypted with SECRETS_KEY (memory only),
 * then the type's own ChannelStatePort. Throws when a credential cannot be decrypted (another key) or the port
 * refuses the record.
 */
export function channelStateBuilder<S extends ConnectorChannel>(secretsKey: Buffer, port: ChannelStatePort<S>): ChannelStateBuilder<S> {
  return (record: ChannelConfigData) => {
    const base: ConnectorChannel = {
      channelId: record.channelId,
      accountId: record.accountId,
      type: record.type,
      name: record.name,
      status: record.status,
      revision: record.revision,
      settings: record.settings ?? {},
    };
    const credentials = record.encryptedSecrets ? decryptJson<Record<string, unknown>>(record.encryptedSecrets, secretsKey) : {};
    const webhookSecret = record.webhookSecret ? decryptSecret(record.webhookSecret, secretsKey) : null;
    return port.resolve(base, { credentials: credentials ?? {}, webhookSecret, secretsKey }, record);
  };
}
