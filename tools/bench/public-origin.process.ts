// The public origin (tools/dev-stack/gateway.ts) as a process of its own, as nginx is in docker-compose — so a
// benchmark's load generator does not share an event loop with the proxy it measures.
// Env: PORT (listen port), ROUTES ("prefix=target,prefix=target").
import { createGateway, listenGateway } from '../dev-stack/gateway';

const routes = (process.env.ROUTES ?? '')
  .split(',')
  .filter(Boolean)
  .map((pair) => {
    const [prefix, target] = pair.split('=');
    return { prefix, target };
  });
const gateway = createGateway(routes);
void listenGateway(gateway, Number(process.env.PORT ?? 0), '127.0.0.1').then(() => process.stdout.write(`public origin listening on ${JSON.stringify(gateway.address())}\n`));
process.once('SIGTERM', () => gateway.close(() => process.exit(0)));
