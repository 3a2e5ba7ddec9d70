export { BaseServiceConfig, LOG_LEVELS, type LogLevel } from './base-service.config';
export { ConfigValidationError, type ConfigProblem } from './config-validation.error';
export { KAFKA_SASL_MECHANISMS, KafkaClientConfig, type KafkaSaslMechanism } from './kafka-client.config';
export { declaredVariables, loadConfig, requiredVariables } from './load-config';
export {
  WithAvitoApiUrl,
  WithCrmUrlPolicy,
  WithJwtSecret,
  WithPublicUrl,
  WithSecretsKey,
  WithTelegramApiRoot,
  WithVkApiUrl,
  WithWhatsappGraphUrl,
} from './shared-variables';
export { IsBase64Key, IsBrokerList, IsHttpRoot, IsPemFile, IsPostgresUrl, pemFileProblem, toBool, toInt } from './validators';
