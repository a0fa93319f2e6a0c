// HTTP attachments (docs/protocol/extensions.md §1.7) over DynamoDB Local and the local blob routes: create -> upload -> send -> download, and every refusal.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/features/index.js';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('attachments (extensions.md §1.7)', () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi({ LAIR_ATTACHMENT_MAX_BYTES: '1000' });
    [alice, bob, eve] = await Promise.all([
      registerUser(api, 'alice'),
      registerUser(api, 'bob'),
      registerUser(api, 'eve'),
    ]);
    roomId = await createRoom(api, alice);
    await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: bob.token });
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const bytes = Buffer.from('hello, attachment!');
  const create = (u: TestUser, body: Record<string, unknown> = {}) =>
    api.request('POST', '/api/v1/attachments', {
      token: u.token,
      body: { filename: 'notes.txt', content_type: 'text/plain', size_bytes: bytes.length, ...body },
    });
  const put = (url: string, body: Buffer) => fetch(url, { method: 'PUT', body });
  /** Creates and uploads one attachment of `u`; returns its id. */
  const uploaded = async (u: TestUser): Promise<string> => {
    const res = await create(u);
    expect(res.status).toBe(201);
    expect((await put(res.json.upload.url, bytes)).status).toBe(200);
    return res.json.attachment.id as string;
  };
  const send = (u: TestUser, ids: string[], extra: Record<string, unknown> = {}) =>
    api.request('POST', '/api/v1/messages', {
      token: u.token,
      body: { target: { type: 'room', room_id: roomId }, content: 'see file', attachment_ids: ids, ...extra },
    });
  const item = async (id: string) =>
    (await api.table.doc.send(new GetCommand({ TableName: api.table.tableName, Key: keys.attachment(id) })))
      .Item;

  it('create -> upload -> send with attachment_ids -> download', async () => {
    const created = await create(alice);
    expect(created.status).toBe(201);
    expect(created.json.attachment).toEqual({
      id: expect.any(String),
      filename: 'notes.txt',
      content_type: 'text/plain',
      size_bytes: bytes.length,
      status: 'pending',
    });
    expect(created.json.upload).toEqual({
      url: expect.stringContaining('/blobs/pending/'),
      method: 'PUT',
      headers: {},
      expires_at: expect.any(String),
    });
    const id = created.json.attachment.id as string;
    // Unattached uploads vanish after 24 h: the item carries a TTL about a day away.
    const ttl = (await item(id))?.expiresAt as number;
    expect(Math.abs(ttl - (Date.now() / 1000 + 24 * 3600))).toBeLessThan(120);

    expect((await put(created.json.upload.url, bytes)).status).toBe(200);
    const mine = await api.request('GET', `/api/v1/attachments/${id}`, { token: alice.token });
    expect(mine.status).toBe(200);
    expect(mine.json.attachment.status).toBe('uploaded');

    const sent = await send(alice, [id], { message_type: 'file' });
    expect(sent.status).toBe(201);
    expect(sent.json.message.message_type).toBe('file');
    expect(sent.json.message.attachments).toEqual([
      { id, filename: 'notes.txt', content_type: 'text/plain', size_bytes: bytes.length },
    ]);
    const stored = await item(id);
    expect(stored).toMatchObject({ status: 'attached', message_id: sent.json.message.id });
    expect(stored?.expiresAt).toBeUndefined();

    // A room member reads it; the download URL serves the bytes.
    const got = await api.request('GET', `/api/v1/attachments/${id}`, { token: bob.token });
    expect(got.status).toBe(200);
    expect(got.json.attachment.status).toBe('attached');
    expect(typeof got.json.expires_at).toBe('string');
    const file = await fetch(got.json.download_url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/plain');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it('answers not_found to someone who cannot read a carrying message (no oracle)', async () => {
    const id = await uploaded(alice);
    expect((await send(alice, [id])).status).toBe(201);
    expectError(
      await api.request('GET', `/api/v1/attachments/${id}`, { token: eve.token }),
      404,
      'not_found',
    );
    // Not yet attached: only the uploader sees it.
    const loose = await uploaded(alice);
    expectError(
      await api.request('GET', `/api/v1/attachments/${loose}`, { token: bob.token }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', '/api/v1/attachments/00000000-0000-4000-8000-000000000000', {
        token: bob.token,
      }),
      404,
      'not_found',
    );
  });

  it('refuses sizes over LAIR_ATTACHMENT_MAX_BYTES and bodies of the wrong length', async () => {
    expectError(await create(alice, { size_bytes: 1001 }), 413, 'attachment_too_large');
    const res = await create(alice);
    const short = await put(res.json.upload.url, bytes.subarray(1));
    expect(short.status).toBe(413);
    expect(((await short.json()) as { error: { code: string } }).error.code).toBe('attachment_too_large');
    const long = await put(res.json.upload.url, Buffer.concat([bytes, bytes]));
    expect(long.status).toBe(413);
    // Never uploaded: it cannot be sent.
    expectError(await send(alice, [res.json.attachment.id]), 422, 'attachment_invalid');
  });

  it("refuses someone else's upload, unknown ids, reuse, and file/image without attachments", async () => {
    const id = await uploaded(alice);
    expectError(await send(bob, [id]), 422, 'attachment_invalid');
    expectError(await send(alice, ['00000000-0000-4000-8000-000000000000']), 422, 'attachment_invalid');
    expectError(await send(alice, ['not-a-uuid']), 422, 'attachment_invalid');
    expect((await send(alice, [id])).status).toBe(201);
    expectError(await send(alice, [id]), 422, 'attachment_invalid');
    expectError(await send(alice, [], { message_type: 'image' }), 400, 'validation_failed');
  });

  it('refuses forged and expired URLs', async () => {
    const res = await create(alice);
    const url = new URL(res.json.upload.url as string);
    const forged = new URL(url);
    forged.searchParams.set('size', '5'); // altered parameter, old signature
    expect((await put(forged.toString(), bytes.subarray(0, 5))).status).toBe(403);
    const badSig = new URL(url);
    badSig.searchParams.set('signature', 'f'.repeat(64));
    expect((await put(badSig.toString(), bytes)).status).toBe(403);
    const key = url.pathname.slice('/blobs/'.length);
    const expired = await api.blobs.uploadUrl(
      key,
      { contentType: 'text/plain', sizeBytes: bytes.length },
      Date.now() - 1000,
    );
    expect((await put(expired.url, bytes)).status).toBe(403);
    const oldGet = await api.blobs.downloadUrl(
      key,
      { contentType: 'text/plain', filename: 'x' },
      Date.now() - 1000,
    );
    expect((await fetch(oldGet)).status).toBe(403);
    // Malformed percent-encoding and path tricks in the key: 404, never a crash or a file outside the store.
    const origin = url.origin;
    expect((await fetch(`${origin}/blobs/pending/%E0%A4%A`)).status).toBe(404);
    expect((await fetch(`${origin}/blobs/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('attaches one upload to exactly one of two concurrent sends', async () => {
    const id = await uploaded(alice);
    const results = await Promise.all([send(alice, [id]), send(alice, [id])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const loser = results.find((r) => r.status === 422);
    expect(loser?.json.error.code).toBe('attachment_invalid');
    const winner = results.find((r) => r.status === 201);
    expect((await item(id))?.message_id).toBe(winner?.json.message.id);
  });
});
