import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { connectorAvitoService } from './connector-avito.service-definition';

runService(connectorAvitoService);
