import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConnection } from '@crm/messaging';

/** States of a group nobody consumes in (its members left or their sessions expired). */
const ABANDONED = new Set(['Empty', 'Dead']);

/**
 * The broker side of `perInstance` consumer groups (a group per process, `<group>.<instance>`): every process start
 * makes a new group, so without cleanup each restart would leave a dead group on the broker. Two measures, together
 * leaving none behind: the process deletes its own group on a clean shutdown (after its consumer left), and at start
 * it deletes the abandoned siblings (`<group>.*` with no member: a crashed process's group, once its session expired).
 * A group with members is never deleted (the broker refuses NON_EMPTY_GROUP). The price: a sibling that is between
 * two consumer sessions at that instant loses its committed offsets and restarts at the latest offset — harmless for
 * a broadcast group that starts at the latest offset anyway.
 */
export class PerInstanceGroups {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly logger: Logger,
  ) {}

  /** Deletes the abandoned groups `<base>.*` other than `own` (full group ids). */
  async sweep(base: string, own: string): Promise<string[]> {
    return this.withAdmin(async (admin) => {
      const prefix = `${this.connection.groupId(base)}.`;
      const { groups } = await admin.listGroups();
      const siblings = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix) && id !== own);
      if (siblings.length === 0) return [];
      const described = await admin.describeGroups(siblings);
      const abandoned = described.groups.filter((g) => ABANDONED.has(g.state) && g.members.length === 0).map((g) => g.groupId);
      const deleted = await this.deleteQuietly(admin, abandoned);
      if (deleted.length > 0) this.logger.info({ groups: deleted }, 'abandoned per-instance consumer groups deleted');
      return deleted;
    }, []);
  }

  /** Deletes this process's own groups (their consumers have left). */
  async deleteOwn(groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await this.withAdmin(async (admin) => {
      // The broker may still be completing the member's LeaveGroup: a few tries.
      let left = groupIds;
      for (let attempt = 0; attempt < 5 && left.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * attempt));
        const deleted = await this.deleteQuietly(admin, left);
        left = left.filter((g) => !deleted.includes(g));
      }
      if (left.length > 0) this.logger.warn({ groups: left }, 'per-instance consumer groups not deleted; the next start of the service deletes them');
    }, undefined);
  }

  private async deleteQuietly(admin: Admin, groupIds: string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    try {
      await admin.deleteGroups(groupIds);
      return groupIds;
    } catch (err) {
      // kafkajs rejects the whole call when one group fails; its `groups` are the ones that failed.
      type Failed = { groups?: Array<{ groupId: string }> };
      const failed = (err as Failed).groups ?? (err as { originalError?: Failed }).originalError?.groups;
      if (!failed) return [];
      const notDeleted = new Set(failed.map((g) => g.groupId));
      return groupIds.filter((g) => !notDeleted.has(g));
    }
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>, fallback: T): Promise<T> {
    const admin = this.connection.kafka.admin();
    try {
      await admin.connect();
      return await fn(admin);
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'per-instance consumer groups not cleaned up');
      return fallback;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
