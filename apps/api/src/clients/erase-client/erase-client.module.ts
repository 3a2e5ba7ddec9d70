import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { EraseClientController } from './erase-client.controller';
import { EraseClientUseCase } from './erase-client.usecase';

/** DELETE /api/v1/clients/:id (erasure of a client's personal data). */
@Module({ imports: [AuditModule], controllers: [EraseClientController], providers: [EraseClientUseCase] })
export class EraseClientModule {}
