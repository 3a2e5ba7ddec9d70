import type { ChannelConfigData } from '@crm/contracts';
import { decryptJson, decryptSecret, keyringOf, type SecretKeys } from '@crm/secrets';
import type { ChannelStatePort, ConnectorChannel } from '../../ports/channel-state.port';
import type { ChannelStateBuilder } from './channel-registry';

/**
 * A record → the connector's state: the common fields, the credentials decrypted with the keyring (the key named
 * in each value; memory only), then the type's own ChannelStatePort. Throws when a credential cannot be decrypted
 * (a key the ring does not hold) or the port refuses the record.
 */
export function channelStateBuilder<S extends ConnectorChannel>(keys: SecretKeys, port: ChannelStatePort<S>): ChannelStateBuilder<S> {
  const ring = keyringOf(keys);
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
    const credentials = record.encryptedSecrets ? decryptJson<Record<string, unknown>>(record.encryptedSecrets, ring) : {};
    const webhookSecret = record.webhookSecret ? decryptSecret(record.webhookSecret, ring) : null;
    return port.resolve(base, { credentials: credentials ?? {}, webhookSecret, secretsKey: ring.derivationKey }, record);
  };
}
