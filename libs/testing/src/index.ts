export { provisionInfrastructure, postgresReachable, redactUrl, withDatabase, DEFAULT_LOCAL_POSTGRES, type Infrastructure } from './infra/provision';
export { startLocalKafka, ensureKafkaJars, pinnedKafkaVersion, cacheDir, type LocalKafka } from './infra/local-kafka';
export { freePort, portOpen, waitForPort } from './infra/net';
export { dockerEngineReachable } from './infra/docker';
export { readTopic, testBrokers, uniqueTopicPrefix, waitFor } from './kafka/test-kafka';
export { repoRoot } from './infra/repo-root';
export { FakeTelegramServer, fakeBotToken, type FakeBot, type FakeTelegramFailure, type FakeTelegramOptions, type FakeWebhook, type RecordedCall } from './fakes/telegram/fake-telegram.server';
export { jsonRequest, type JsonRequestOptions, type JsonResponse } from './http/json-request';
export { captureLogs } from './http/log-capture';
