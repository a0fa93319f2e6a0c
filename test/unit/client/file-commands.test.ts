// Terminal-client /upload and /download (docs/protocol/extensions.md §1.7) over a fake session and a fake transfer.
import { ChatState } from '../../../client/tui/commands.js';
import { FakeSession } from './fake-session.js';
import { aMessage, aUser, ROOM_ID } from './fixtures.js';

describe('file commands', () => {
  function setup() {
    const session = new FakeSession((msg) =>
      msg.type === 'send_message' ? { message: aMessage() } : undefined,
    );
    const uploads: string[] = [];
    const downloads: string[] = [];
    const state = new ChatState(session, aUser(), {
      upload: (path) => {
        uploads.push(path);
        return Promise.resolve({
          id: 'att-1',
          filename: 'notes.txt',
          content_type: 'text/plain',
          size_bytes: 5,
        });
      },
      download: (id) => {
        downloads.push(id);
        return Promise.resolve(`/tmp/downloads/${id}`);
      },
    });
    state.currentRoomId = ROOM_ID;
    return { session, state, uploads, downloads };
  }

  it('/upload <path> uploads, then sends a file message naming the attachment', async () => {
    const { session, state, uploads } = setup();
    expect((await state.run('/upload ./notes.txt')).lines).toEqual(['* uploaded notes.txt (5 bytes)']);
    expect(uploads).toEqual(['./notes.txt']);
    expect(session.sentOf('send_message')).toMatchObject([
      {
        target: { type: 'room', room_id: ROOM_ID },
        content: 'notes.txt',
        message_type: 'file',
        attachment_ids: ['att-1'],
      },
    ]);
    expect((await state.run('/upload')).lines[0]).toContain('Usage: /upload <path>');
  });

  it('/download <n> saves every attachment of [n]; a message without one says so', async () => {
    const { state, downloads } = setup();
    const withFile = aMessage({
      id: '00000000-0000-4000-8000-000000000001',
      attachments: [{ id: 'att-9', filename: 'a.png', content_type: 'image/png', size_bytes: 3 }],
    });
    state.observe({ type: 'message_received', message: withFile, author_username: 'alice' });
    state.observe({
      type: 'message_received',
      message: aMessage({ id: '00000000-0000-4000-8000-000000000002' }),
      author_username: 'alice',
    });
    expect((await state.run('/download 1')).lines).toEqual(['* saved /tmp/downloads/att-9']);
    expect(downloads).toEqual(['att-9']);
    expect((await state.run('/download 2')).lines[0]).toContain('has no attachment');
  });
});

describe('rendering attachments and pins', () => {
  it('shows a file message with its attachment, and a pin mark', async () => {
    const { formatMessage } = await import('../../../client/tui/render.js');
    const state = new ChatState(new FakeSession(() => undefined), aUser());
    state.currentRoomId = ROOM_ID;
    const line = formatMessage(
      aMessage({
        content: 'notes.txt',
        pinned: true,
        attachments: [{ id: 'att-1', filename: 'notes.txt', content_type: 'text/plain', size_bytes: 5 }],
      }),
      'alice',
      state,
    );
    expect(line).toMatch(/notes\.txt {2}📎 notes\.txt \(5 B\) {2}📌$/);
  });
});
