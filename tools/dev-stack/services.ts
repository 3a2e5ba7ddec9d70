/** The eight deployables (DESIGN §2) and where the public origin routes to them. */
export interface ServiceEntry {
  name: string;
  port: number;
  /** Path prefixes the public origin sends to this service. */
  routes: string[];
}

export const SERVICES: ServiceEntry[] = [
  { name: 'api', port: 3000, routes: ['/api/'] },
  { name: 'connector-telegram', port: 3101, routes: ['/webhooks/telegram/'] },
  { name: 'connector-whatsapp', port: 3102, routes: ['/webhooks/whatsapp/'] },
  { name: 'connector-vk', port: 3103, routes: ['/webhooks/vk/'] },
  { name: 'connector-avito', port: 3104, routes: ['/webhooks/avito/'] },
  { name: 'connector-widget', port: 3105, routes: ['/widget/'] },
  { name: 'lead-routing', port: 3201, routes: [] },
  { name: 'integrations', port: 3202, routes: [] },
];
