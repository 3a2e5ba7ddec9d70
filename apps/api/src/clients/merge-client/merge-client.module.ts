import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { MergeClientController } from './merge-client.controller';
import { MergeClientUseCase } from './merge-client.usecase';

/** POST /clients/:id/merge (its own module, beside ClientsModule's list/get). */
@Module({ imports: [AuditModule], controllers: [MergeClientController], providers: [MergeClientUseCase] })
export class MergeClientModule {}
