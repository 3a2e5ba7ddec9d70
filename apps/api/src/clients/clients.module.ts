import { Module } from '@nestjs/common';
import { ClientsController } from './clients.controller';
import { GetClientUseCase } from './get-client/get-client.usecase';
import { ListClientsUseCase } from './list-clients/list-clients.usecase';

@Module({ controllers: [ClientsController], providers: [ListClientsUseCase, GetClientUseCase] })
export class ClientsModule {}
