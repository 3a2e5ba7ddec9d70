import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';
import { ListAuditUseCase } from './list-audit/list-audit.usecase';

/** The audit log: `AuditLog` (import this module to record actions) and GET /api/v1/audit. */
@Module({ controllers: [AuditController], providers: [AuditLog, ListAuditUseCase], exports: [AuditLog] })
export class AuditModule {}
