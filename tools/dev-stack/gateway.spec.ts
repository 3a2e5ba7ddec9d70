import type { AddressInfo } from 'node:net';
import { blockEventLoop, burstBeyondDefaultBacklog, connectBurst } from '@crm/testing';
import { HTTP_LISTEN_BACKLOG } from '../../libs/service-kit/src/listen-backlog';
import { createGateway, listenGateway } from './gateway';

const burst = burstBeyondDefaultBacklog(HTTP_LISTEN_BACKLOG);

describe('the public origin (gateway)', () => {
  (burst > 0 ? it : it.skip)('queues a burst of new connections while its event loop stalls: no handshake is dropped and re-sent', async () => {
    const gateway = createGateway([]);
    await listenGateway(gateway, 0, '127.0.0.1');
    try {
      const result = await connectBurst((gateway.address() as AddressInfo).port, burst, () => blockEventLoop(700));
      expect(result.failed).toBe(0);
      expect(result.slowestMs).toBeLessThan(1000);
    } finally {
      gateway.closeAllConnections();
      gateway.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = createGateway([]);
    await listenGateway(first, 0, '127.0.0.1');
    const second = createGateway([]);
    try {
      await expect(listenGateway(second, (first.address() as AddressInfo).port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      first.close();
    }
  });
});
