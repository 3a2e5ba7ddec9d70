import { Module } from '@nestjs/common';
import { GetLeadUseCase } from './get-lead/get-lead.usecase';
import { LeadsController } from './leads.controller';
import { ListLeadsUseCase } from './list-leads/list-leads.usecase';

@Module({ controllers: [LeadsController], providers: [ListLeadsUseCase, GetLeadUseCase] })
export class LeadsModule {}
