import 'reflect-metadata';
import { runService } from '@crm/service-kit';
import { connectorWidgetService } from './connector-widget.service-definition';

runService(connectorWidgetService);
