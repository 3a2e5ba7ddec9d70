import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import { AuditLog } from '../../audit/audit-log';
import type { AuthUser } from '../../auth/auth-user';
import { identitiesOf, possibleDuplicatesOf } from '../client.store';
import { ClientExportReader, EXPORT_MESSAGE_BATCH } from './client-export.reader';

/**
 * GET /clients/:id/export (152-FZ / GDPR access request): everything held about the client as one JSON document —
 * the client, identities, possible duplicates, leads, CRM sync records, merges, and every dialog with every message.
 * Read on one REPEATABLE READ snapshot and streamed (messages in keyset pages), so a client with a long history
 * costs bounded memory. The 404 and the audit entry (`client.exported`) happen before the first byte is sent.
 */
@Injectable()
export class ExportClientUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** Resolves to the document's chunks once the client is known (rejects with CLIENT_NOT_FOUND otherwise). */
  async execute(user: AuthUser, clientId: string): Promise<AsyncGenerator<string>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const reader = new ClientExportReader(runner, user.accountId, clientId);
      const client = await reader.client();
      if (!client) throw new DomainError(ErrorCode.CLIENT_NOT_FOUND);
      await this.audit.record(this.dataSource.manager, { accountId: user.accountId, userId: user.userId, action: 'client.exported', entity: 'client', entityId: clientId });
      return streamDocument(runner, reader, user.accountId, client);
    } catch (err) {
      await close(runner);
      throw err;
    }
  }
}

async function close(runner: QueryRunner): Promise<void> {
  if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
  await runner.release();
}

async function* streamDocument(runner: QueryRunner, reader: ClientExportReader, accountId: string, client: { id: string }): AsyncGenerator<string> {
  try {
    const leads = await reader.leads();
    const dialogs = await reader.dialogs(leads.map((l) => l.dialogId));
    const head = {
      exportedAt: new Date().toISOString(),
      client,
      identities: (await identitiesOf(runner, accountId, [client.id])).get(client.id) ?? [],
      possibleDuplicates: await possibleDuplicatesOf(runner, accountId, client.id),
      leads,
      syncRecords: await reader.syncRecords(
        leads.map((l) => l.id),
        dialogs.map((d) => d.id),
      ),
      merges: await reader.merges(),
    };
    yield `${JSON.stringify(head).slice(0, -1)},"dialogs":[`;
    for (const [i, dialog] of dialogs.entries()) {
      yield `${i > 0 ? ',' : ''}${JSON.stringify(dialog).slice(0, -1)},"messages":[`;
      let after: string | null = null;
      let first = true;
      for (;;) {
        const page = await reader.messages(dialog.id, after);
        if (page.length > 0) yield `${first ? '' : ','}${page.map((m) => JSON.stringify(m)).join(',')}`;
        first = first && page.length === 0;
        if (page.length < EXPORT_MESSAGE_BATCH) break;
        after = page[page.length - 1].id;
      }
      yield ']}';
    }
    yield ']}';
  } finally {
    await close(runner);
  }
}
