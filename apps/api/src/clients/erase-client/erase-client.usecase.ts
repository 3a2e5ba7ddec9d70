import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { enqueueOutbox } from '@crm/outbox';
import { AuditLog } from '../../audit/audit-log';
import type { AuthUser } from '../../auth/auth-user';
import type { EraseClientResponse } from './erase-client.dto';
import { deleteClient, eraseCopies, eraseDialogsAndLeads, eraseMessages, erasedEvents, loadErasureScope } from './client-erasure.steps';

/**
 * DELETE /clients/:id (152-FZ / GDPR erasure), one transaction: the client row and its identities are deleted; its
 * dialogs, messages and leads stay as anonymous rows (no texts, attachments, platform ids, names); copies in the
 * outbox, album buffers, VK permissions and live events are removed; client.erased (ids only) goes out through the
 * outbox so the integrations service annotates the CRM leads and cancels what still waits; the audit log records it.
 */
@Injectable()
export class EraseClientUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async execute(user: AuthUser, clientId: string): Promise<EraseClientResponse> {
    return this.dataSource.transaction(async (m) => {
      const scope = await loadErasureScope(m, user.accountId, clientId);
      const messages = await eraseMessages(m, scope);
      await eraseDialogsAndLeads(m, scope);
      await eraseCopies(m, scope);
      await deleteClient(m, scope);
      await enqueueOutbox(m, erasedEvents(scope));
      const counts = { dialogs: scope.dialogs.length, messages, leads: scope.leads.length, identities: scope.identities.length };
      await this.audit.record(m, { accountId: user.accountId, userId: user.userId, action: 'client.erased', entity: 'client', entityId: clientId, details: counts });
      return { clientId, erasedAt: new Date().toISOString(), ...counts };
    });
  }
}
