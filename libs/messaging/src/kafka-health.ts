import { Admin } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';

/** Readiness probe: the cluster answers a metadata request within the timeout. */
export class KafkaHealthProbe {
  private admin?: Admin;

  constructor(private readonly connection: KafkaConnection) {}

  async check(timeoutMs = 2000): Promise<{ up: boolean; detail?: string }> {
    try {
      this.admin ??= this.connection.kafka.admin();
      await withTimeout(this.admin.connect(), timeoutMs);
      const cluster = await withTimeout(this.admin.describeCluster(), timeoutMs);
      return { up: cluster.brokers.length > 0, detail: `${cluster.brokers.length} broker(s)` };
    } catch (err) {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
      return { up: false, detail: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
