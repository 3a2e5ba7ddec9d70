import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { connectorVkService } from './connector-vk.service-definition';

runService(connectorVkService);
