import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from './net';

describe('freePort', () => {
  it('gives distinct ports that a server can listen on, outside the range outgoing connections take their ports from', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    for (const port of ports) expect(port).toBeLessThan(low);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '0.0.0.0', () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
