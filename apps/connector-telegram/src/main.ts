import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { connectorTelegramService } from './connector-telegram.service-definition';

runService(connectorTelegramService);
