import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { FakeVkServer } from '@crm/testing';
import { PlatformFileError } from '@crm/connector-kit';
import { isVkFileUrl, openVkFile } from './vk-files';

describe('VK attachment files', () => {
  let vk: FakeVkServer;
  let other: Server;
  let otherUrl: string;

  beforeAll(async () => {
    vk = await FakeVkServer.start();
    // Another local server: not VK's, reachable only through a redirect.
    other = createServer((req, res) => {
      if (req.url === '/hop') {
        res.writeHead(302, { location: `${vk.baseUrl}/files/doc.pdf` }).end();
        return;
      }
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await vk.close();
    await new Promise((r) => other.close(r));
  });

  it('isVkFileUrl: https on VK file hosts, or the origin of VK_API_URL; nothing else', () => {
    const api = 'https://api.vk.com/method';
    for (const ok of ['https://sun9-21.userapi.com/impg/a.jpg', 'https://vk.com/doc1_2?hash=x', 'https://psv4.vkuseraudio.net/a.ogg', 'https://api.vk.com/x']) expect(isVkFileUrl(ok, api)).toBe(true);
    for (const bad of ['http://sun9-21.userapi.com/a.jpg', 'https://userapi.com.evil.example/a', 'https://evilvk.com/a', 'https://u:p@vk.com/a', 'file:///etc/passwd', 'not a url', 'http://127.0.0.1:9/a'])
      expect(isVkFileUrl(bad, api)).toBe(false);
    expect(isVkFileUrl('http://127.0.0.1:9/files/a', 'http://127.0.0.1:9/method')).toBe(true);
  });

  it('streams a file with its size and type; a missing one is not-found', async () => {
    const url = vk.addFile('doc.pdf', '%PDF-1.7 contract', 'application/pdf');
    const file = await openVkFile(url, { apiUrl: vk.apiUrl, timeoutMs: 2000 });
    expect(file).toMatchObject({ size: 17, contentType: 'application/pdf' });
    expect(await text(file.body)).toBe('%PDF-1.7 contract');
    await expect(openVkFile(`${vk.baseUrl}/files/none`, { apiUrl: vk.apiUrl, timeoutMs: 2000 })).rejects.toMatchObject({ reason: 'not-found' });
  });

  it('refuses a URL that is not VK and a redirect away from VK; a closed port is unavailable', async () => {
    await expect(openVkFile(`${otherUrl}/hop`, { apiUrl: vk.apiUrl, timeoutMs: 2000 })).rejects.toMatchObject({ reason: 'refused' });
    const err = await openVkFile(`${vk.baseUrl}/files/x`, { apiUrl: vk.apiUrl, timeoutMs: 2000, fetch: async () => new Response(null, { status: 302, headers: { location: `${otherUrl}/away` } }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformFileError);
    expect(err).toMatchObject({ reason: 'refused' });
    await expect(openVkFile('http://127.0.0.1:9/files/x', { apiUrl: 'http://127.0.0.1:9/method', timeoutMs: 2000 })).rejects.toMatchObject({ reason: 'unavailable' });
  });
});
