import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { connectorWhatsappService } from './connector-whatsapp.service-definition';

runService(connectorWhatsappService);
