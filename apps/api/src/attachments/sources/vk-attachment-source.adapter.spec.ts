import { text } from 'node:stream/consumers';
import { ErrorCode } from '@crm/domain';
import { FakeVkServer } from '@crm/testing';
import { VkAttachmentSourceAdapter } from './vk-attachment-source.adapter';

describe('VkAttachmentSourceAdapter (against the fake VK file host)', () => {
  let vk: FakeVkServer;
  let source: VkAttachmentSourceAdapter;

  beforeAll(async () => {
    vk = await FakeVkServer.start();
    source = new VkAttachmentSourceAdapter({ apiUrl: vk.apiUrl, timeoutMs: 3000 });
  });
  afterAll(() => vk.close());

  it('streams the file at the attachment’s direct URL', async () => {
    const url = vk.addFile('voice.ogg', 'OggS voice', 'audio/ogg');
    const file = await source.open({ secrets: { accessToken: 'vk1.a.x' }, platformFileId: url });
    expect(file).toMatchObject({ size: 10, contentType: 'audio/ogg' });
    expect(await text(file.body)).toBe('OggS voice');
  });

  it('a removed file, a video id (no file URL) and a foreign URL → ATTACHMENT_NOT_FOUND; VK down → PLATFORM_UNAVAILABLE', async () => {
    for (const platformFileId of [`${vk.baseUrl}/files/gone`, 'video-1_456239', 'https://evil.example/a.jpg']) {
      await expect(source.open({ secrets: {}, platformFileId })).rejects.toMatchObject({ code: ErrorCode.ATTACHMENT_NOT_FOUND });
    }
    const down = new VkAttachmentSourceAdapter({ apiUrl: 'http://127.0.0.1:9/method', timeoutMs: 1000 });
    await expect(down.open({ secrets: {}, platformFileId: 'http://127.0.0.1:9/files/x' })).rejects.toMatchObject({ code: ErrorCode.PLATFORM_UNAVAILABLE });
  });
});
