import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { leadRoutingService } from './lead-routing.service-definition';

runService(leadRoutingService);
