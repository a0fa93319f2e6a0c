// Test fixtures for client SDK tests: wire entities with overridable fields (docs/protocol/domain.md §4).
import { freshLifecycle, type Message } from '../../../shared/features/messages/index.js';
import type { User } from '../../../shared/features/users/index.js';

export const ALICE_ID = '1c6c7e2a-8f3b-4b8e-9a51-2f0d6b3c9e11';
export const BOB_ID = 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d';
export const ROOM_ID = '7d0e5a44-3c1f-4d7a-b2a9-6e8f1c2d3b4a';

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: ALICE_ID,
    username: 'alice',
    email: 'alice@example.com',
    role: 'user',
    created_at: '2025-01-21T12:00:00Z',
    updated_at: '2025-01-21T12:00:00Z',
    last_seen_at: null,
    display_name: null,
    status_message: null,
    avatar_url: null,
    timezone: null,
    locale: null,
    ...overrides,
  };
}

export function aMessage(overrides: Partial<Message> = {}): Message {
  return {
    ...freshLifecycle('2025-01-21T12:00:05Z'),
    id: '0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d',
    author: ALICE_ID,
    target: { type: 'room', room_id: ROOM_ID },
    content: 'Hello!',
    edited: false,
    created_at: '2025-01-21T12:00:05Z',
    ...overrides,
  };
}
