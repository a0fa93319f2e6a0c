// The client SDK's file transfer (client/sdk/attachments.ts) against the real local stack: upload a file, attach it, download it byte for byte.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, uploadFile } from '../../../client/sdk/attachments.js';
import { LairHttpClient } from '../../../client/sdk/http.js';
import {
  createRoom,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
} from '../../support/http.js';

describe('client SDK file transfer', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  it('uploadFile -> send with attachment_ids -> downloadFile gives the same bytes', async () => {
    const alice = await registerUser(api, 'alice');
    const roomId = await createRoom(api, alice);
    const dir = await mkdtemp(join(tmpdir(), 'lair-files-'));
    const source = join(dir, 'photo.png');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    await writeFile(source, bytes);
    const http = new LairHttpClient(api.baseUrl, alice.token);
    const file = await uploadFile(http, source);
    expect(file).toMatchObject({ filename: 'photo.png', content_type: 'image/png', size_bytes: 300 });
    const sent = await http.send<{ message: { attachments: { id: string }[]; message_type: string } }>(
      'POST',
      '/api/v1/messages',
      {
        target: { type: 'room', room_id: roomId },
        content: 'photo',
        message_type: 'image',
        attachment_ids: [file.id],
      },
    );
    expect(sent.message).toMatchObject({ message_type: 'image', attachments: [{ id: file.id }] });
    const saved = await downloadFile(http, file.id, join(dir, 'downloads'));
    expect(saved).toBe(join(dir, 'downloads', 'photo.png'));
    expect(await readFile(saved)).toEqual(bytes);
    const again = await downloadFile(http, file.id, join(dir, 'downloads'));
    expect(again).toBe(join(dir, 'downloads', '1-photo.png'));
  });
});
