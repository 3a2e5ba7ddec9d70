import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { chatKey, createEnvelope, encodeEnvelope, InboundMessageData, Topics } from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import type { BaseServiceConfig } from '@crm/config';
import { startService, type RunningService } from '@crm/service-kit';
import { testBrokers } from '@crm/testing';
import { apiService } from '../api.service-definition';
import type { ApiConfig } from '../config/api.config';
// The other side of the flow: the real lead-routing service, in this process, on the same database and topics.
import { leadRoutingService } from '../../../lead-routing/src/lead-routing.service-definition';

const silent = () => new Writable({ write: (_c, _e, cb) => cb() }) as never;

/** Another api instance on the same database, topics and secrets (what a second replica behind the proxy is). */
export function startApiInstance(env: NodeJS.ProcessEnv): Promise<RunningService<ApiConfig>> {
  return startService(apiService, { env: { ...env, PORT: '0' }, handleSignals: false, logDestination: silent() });
}

/** lead-routing in this process on the api's database and topics. */
export function startLeadRouting(env: NodeJS.ProcessEnv): Promise<RunningService<BaseServiceConfig>> {
  return startService(leadRoutingService as never, {
    env: { ...env, PORT: '0', KAFKA_SESSION_TIMEOUT_MS: '6000', ROUTING_CHANNEL_CACHE_TTL_MS: '0' },
    handleSignals: false,
    logDestination: silent(),
  });
}

/** A producer on the test's topic prefix (to play a connector or lead-routing). */
export async function testProducer(topicPrefix: string, clientId: string): Promise<EventProducer> {
  const producer = new EventProducer(new KafkaConnection({ brokers: testBrokers(), clientId, topicPrefix }));
  await producer.connect();
  return producer;
}

export interface VisitorMessage {
  accountId: string;
  channelId: string;
  /** Chat and user id of the visitor. */
  visitorId: string;
  displayName: string;
  text: string;
}

/**
 * A website visitor's text message as connector-widget publishes it on channels.inbound.v1; resolves to its
 * external message id.
 */
export async function publishVisitorMessage(producer: EventProducer, m: VisitorMessage): Promise<string> {
  const data = {
    channelType: 'widget',
    externalMessageId: randomUUID(),
    externalChatId: m.visitorId,
    sender: { externalUserId: m.visitorId, displayName: m.displayName },
    kind: 'text',
    text: m.text,
    attachments: [],
    event: 'new',
    sentAt: new Date().toISOString(),
  } as InboundMessageData;
  const envelope = createEnvelope('message.inbound', data, { accountId: m.accountId, channelId: m.channelId });
  await producer.send(Topics.ChannelsInbound, [{ key: chatKey(m.channelId, m.visitorId), value: encodeEnvelope(envelope) }]);
  return data.externalMessageId;
}
