import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { integrationsService } from './integrations.service-definition';

runService(integrationsService);
