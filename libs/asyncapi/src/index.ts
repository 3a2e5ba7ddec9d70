// @crm/asyncapi — the AsyncAPI 3.0 document of every Kafka topic, generated from @crm/contracts. Pure: no Nest, no I/O.
export {
  type AsyncApiDocument,
  type AsyncApiDocumentOptions,
  buildAsyncApiDocument,
  DEAD_LETTER_MESSAGE,
  DLQ_ERROR_HEADER,
  TOMBSTONE_MESSAGE,
} from './asyncapi-document';
export { contractSchemas, type ContractSchemaOptions, type JsonSchema, reachableClasses } from './contract-schemas';
export { EXTRA_HEADERS, TOPIC_USES, type TopicUse } from './topology';
