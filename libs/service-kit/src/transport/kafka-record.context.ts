import { BaseRpcContext } from '@nestjs/microservices';
import { HEADER_CORRELATION_ID } from '@crm/contracts';
import type { ConsumedMessage } from '@crm/messaging';

/** `@Ctx()` of a consumer handler: the record(s) being handled, with their coordinates and headers. */
export class KafkaRecordContext<T = unknown> extends BaseRpcContext<[ConsumedMessage<T>[]]> {
  constructor(messages: ConsumedMessage<T>[]) {
    super([messages]);
  }

  /** Every record of the call (one, or the run of a batch handler). */
  get messages(): ConsumedMessage<T>[] {
    return this.args[0];
  }

  /** The (first) record. */
  get message(): ConsumedMessage<T> {
    return this.args[0][0];
  }

  get headers(): Record<string, string> {
    return this.message.headers;
  }

  get correlationId(): string | undefined {
    return this.message.headers[HEADER_CORRELATION_ID];
  }
}
