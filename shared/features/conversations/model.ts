// Conversations feature model (lair.social group DMs, 3–50 people): wire shapes, repository port, error rows and events (docs/protocol/extensions.md §7.2, §11).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/** One participant as listed on a conversation (docs/protocol/extensions.md §7.2). */
export interface Participant {
  user_id: Uuid;
  username: string;
  joined_at: Timestamp;
}

/** A group conversation (docs/protocol/extensions.md §7.2); `participants` as {@link orderParticipants} orders them. */
export interface Conversation {
  id: Uuid;
  title: string | null;
  participants: Participant[];
  created_by: Uuid;
  created_at: Timestamp;
  /** When the last message (thread replies included) was sent; null before the first one. */
  last_message_at: Timestamp | null;
}

/** Participants in their listed order: by `joined_at`, the creator first among equals, then by username. */
export function orderParticipants(list: readonly Participant[], createdBy: Uuid): Participant[] {
  const key = (p: Participant) => `${p.joined_at}|${p.user_id === createdBy ? 0 : 1}|${p.username}`;
  return [...list].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** Limits of docs/protocol/extensions.md §7.2 (people include the creator) and ours (title). */
export const CONVERSATION_LIMITS = {
  /** Fewest people at creation (the creator plus 2 others). */
  minPeople: 3,
  /** Most people at any time (creator included). */
  maxPeople: 50,
  /** Longest title, characters (ours). */
  titleChars: 100,
} as const;

/** Error rows of docs/protocol/extensions.md §11 owned here. */
export const errors = {
  conversation_not_found: { message: 'Conversation not found', http: 404 },
} as const satisfies ErrorRows;

/** Conversation events as pushed to TCP/WS clients (lair.social only), to the participants. */
export type Events =
  | { type: 'conversation_created'; conversation: Conversation }
  | { type: 'participant_added'; conversation: Conversation; user_ids: Uuid[]; added_by: Uuid }
  | { type: 'participant_left'; conversation_id: Uuid; user_id: Uuid };

/** Every conversation event needs lair.social (docs/protocol/extensions.md §0.2). */
export const eventExtensions = {
  conversation_created: 'lair.social',
  participant_added: 'lair.social',
  participant_left: 'lair.social',
} as const;

/** Conversations over the single table: a META item, one participant item per member (GSI1 `USER#<id>`). */
export interface ConversationRepository {
  /**
   * Creates the META item (participant counter = `participants.length`) and every participant
   * item in one transaction (≤ 51 items). @throws Error on an id collision (never in practice)
   */
  create(conversation: Conversation): Promise<void>;
  /** The conversation (strongly consistent), or null. */
  get(id: Uuid): Promise<Conversation | null>;
  /** Many conversations by id (BatchGetItem; absent ids are skipped, any order). */
  getMany(ids: Uuid[]): Promise<Conversation[]>;
  /** Ids of the conversations `userId` takes part in: one GSI1 Query (eventually consistent). */
  idsOf(userId: Uuid): Promise<Uuid[]>;
  /**
   * Adds `added` in one transaction: the META counter rises by `added.length` conditioned on
   * staying ≤ 50, the actor's participant item must exist, each new participant item must not.
   * @throws `conversation_not_found` (actor not a participant) | `validation_failed` (over 50, or already a participant)
   */
  addParticipants(id: Uuid, actorId: Uuid, added: Participant[]): Promise<void>;
  /** Removes `userId` (participant item + META entry, counter − 1) in one transaction. @returns false when not a participant */
  leave(id: Uuid, userId: Uuid): Promise<boolean>;
  /** Sets the title, conditioned on `actorId` being a participant. @throws `conversation_not_found` */
  setTitle(id: Uuid, actorId: Uuid, title: string | null): Promise<void>;
}
