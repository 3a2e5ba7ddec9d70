import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { apiService } from './api.service-definition';

runService(apiService);
