export { provisionInfrastructure, postgresReachable, redactUrl, withDatabase, DEFAULT_LOCAL_POSTGRES, type Infrastructure } from './infra/provision';
export { startLocalKafka, ensureKafkaJars, pinnedKafkaVersion, cacheDir, type LocalKafka } from './infra/local-kafka';
export { freePort, portOpen, waitForPort } from './infra/net';
export { blockEventLoop, burstBeyondDefaultBacklog, connectBurst, type ConnectBurstResult } from './net/connect-burst';
export { selfSignedCertificate, type KafkaSaslUser, type SecureListener, type SecureListenerOptions, type SelfSignedCertificate } from './infra/kafka-secure-listener';
export { startKafkaFaultProxy, type KafkaFaultMode, type KafkaFaultProxy } from './infra/kafka-fault-proxy';
export { startThrowawayPostgres, type ThrowawayPostgres, type ThrowawayPostgresOptions } from './infra/throwaway-postgres';
export { dockerEngineReachable } from './infra/docker';
export { readTopic, testBrokers, uniqueTopicPrefix, waitFor } from './kafka/test-kafka';
export { repoRoot } from './infra/repo-root';
export {
  FakePlatformServer,
  fromText,
  multipartParts,
  type FakeCall,
  type FakeDeliveryResponse,
  type FakeFailOptions,
  type FakeFailure,
  type FakeHandler,
  type FakeReply,
  type FakeRequest,
  type FakeRouteOptions,
  type FakeUploadedFile,
} from './fakes/fake-platform.server';
export { FakeTelegramServer, fakeBotToken, type FakeBot, type FakeTelegramFailure, type FakeTelegramOptions, type FakeWebhook, type RecordedCall } from './fakes/telegram/fake-telegram.server';
export { jsonRequest, type JsonRequestOptions, type JsonResponse } from './http/json-request';
export { captureLogs } from './http/log-capture';
export { FakeAvitoServer, type FakeAvitoAccount, type FakeAvitoCall, type FakeAvitoChat, type FakeAvitoFailure, type FakeAvitoOptions, type FakeAvitoRoute, type FakeAvitoSent } from './fakes/avito/fake-avito.server';
export { FakeVkServer, type FakeVkCall, type FakeVkCommunity, type FakeVkDelivery, type FakeVkFailure, type FakeVkOptions, type FakeVkSent, type FakeVkUser } from './fakes/vk/fake-vk.server';
export { FakeGraphServer, graphError, type FakeGraphCall, type FakeGraphFailure, type FakeWaNumber, type FakeWaSent, type FakeWaTemplate } from './fakes/whatsapp/fake-graph.server';
export { FakeAmocrmAccount, FakeAmocrmServer, type FakeAmocrmContact, type FakeAmocrmLead, type FakeAmocrmNote, type FakeAmocrmPipeline } from './fakes/amocrm/fake-amocrm.server';
export { FakeBitrix24Server, type FakeBitrix24Call, type FakeBitrix24Failure, type FakeBitrix24Options, type FakeBitrix24SubCall, type FakeBitrix24Webhook } from './fakes/bitrix24/fake-bitrix24.server';
export type { FakeComment as FakeBitrix24Comment, FakeContact as FakeBitrix24Contact, FakeLead as FakeBitrix24Lead } from './fakes/bitrix24/fake-bitrix24.portal';
