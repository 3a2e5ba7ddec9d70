import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { ExportClientController } from './export-client.controller';
import { ExportClientUseCase } from './export-client.usecase';

/** GET /api/v1/clients/:id/export (a client's data, for an access request). */
@Module({ imports: [AuditModule], controllers: [ExportClientController], providers: [ExportClientUseCase] })
export class ExportClientModule {}
