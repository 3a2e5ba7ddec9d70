import { Module } from '@nestjs/common';
import { GetLeadUseCase } from './get-lead/get-lead.usecase';
import { LeadsController } from './leads.controller';
import { ListLeadsUseCase } from './list-leads/list-leads.usecase';
import { UpdateLeadUseCase } from './update-lead/update-lead.usecase';

@Module({ controllers: [LeadsController], providers: [ListLeadsUseCase, GetLeadUseCase, UpdateLeadUseCase] })
export class LeadsModule {}
