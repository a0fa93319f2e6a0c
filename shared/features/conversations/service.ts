// Conversation use cases: create, list (most recent activity first), get, retitle, add participants, leave; events to the participants (docs/protocol/extensions.md §7.2).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { parseUuid } from '../../kernel/validation.js';
import { requireNotBlocked, type BlockRepository } from '../social/index.js';
import type { UserRecord, UserRepository } from '../users/index.js';
import {
  CONVERSATION_LIMITS,
  orderParticipants,
  type Conversation,
  type ConversationRepository,
  type Participant,
} from './model.js';

/** What the ConversationService needs. */
export interface ConversationServiceDeps extends EmitDeps {
  conversations: ConversationRepository;
  users: Pick<UserRepository, 'getById' | 'getMany'>;
  blocks: Pick<BlockRepository, 'isBlocked'>;
}

/** Input of {@link ConversationService.create}. */
export interface CreateConversationInput {
  /** The other people (2–49), not the creator. */
  participant_ids: readonly string[];
  title?: string | null;
}

/** Group conversations (docs/protocol/extensions.md §7.2). Non-participants always get `conversation_not_found`. */
export interface ConversationService {
  /**
   * Creates a conversation of the caller plus `participant_ids` (duplicates dropped); emits
   * `conversation_created` to every participant.
   * @throws `validation_failed` (fewer than 2 or more than 49 others, the caller listed, title > 100 chars) |
   *   `user_not_found` (unknown or malformed id) | `recipient_unavailable` (a block either way with the caller)
   */
  create(actorId: Uuid, input: CreateConversationInput): Promise<Conversation>;
  /** The caller's conversations, most recent activity (`last_message_at`, else `created_at`) first. */
  list(actorId: Uuid): Promise<Conversation[]>;
  /** One conversation of the caller. @throws `conversation_not_found` */
  get(actorId: Uuid, conversationId: string): Promise<Conversation>;
  /** Sets or clears (null/empty) the title; any participant. @throws `conversation_not_found` | `validation_failed` */
  update(actorId: Uuid, conversationId: string, patch: { title?: string | null }): Promise<Conversation>;
  /**
   * Adds people (any participant may); those already in are skipped. Emits `participant_added`
   * (with the conversation after) to every participant, the new ones included.
   * @throws `conversation_not_found` | `validation_failed` (empty list, over 50 people) | `user_not_found` | `recipient_unavailable`
   */
  addParticipants(actorId: Uuid, conversationId: string, userIds: readonly string[]): Promise<Conversation>;
  /** Leaves; `participant_left` to the rest and the leaver. @throws `conversation_not_found` */
  leave(actorId: Uuid, conversationId: string): Promise<void>;
}

const invalid = (field: string, why: string) =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/** The conversation's participant ids, or `conversation_not_found` when `actorId` is not one of them (no existence oracle). */
export async function requireParticipant(
  deps: { conversations: Pick<ConversationRepository, 'get'> },
  conversationId: Uuid,
  actorId: Uuid,
): Promise<Conversation> {
  const c = await deps.conversations.get(conversationId);
  if (c === null || !c.participants.some((p) => p.user_id === actorId))
    throw new DomainError('conversation_not_found');
  return c;
}

/** Trimmed title, null when empty. @throws `validation_failed` over 100 characters */
function parseTitle(title: string | null | undefined): string | null {
  const t = title?.trim() ?? '';
  if (t === '') return null;
  if (Array.from(t).length > CONVERSATION_LIMITS.titleChars)
    throw invalid('title', `at most ${CONVERSATION_LIMITS.titleChars} characters`);
  return t;
}

/** Builds the ConversationService. */
export function createConversationService(deps: ConversationServiceDeps): ConversationService {
  const { conversations, users, clock, ids } = deps;

  const idOf = (raw: string): Uuid => {
    const id = parseUuid(raw);
    if (id === null) throw new DomainError('conversation_not_found');
    return id;
  };

  /** Existing users for `raw` ids (malformed or unknown: `user_not_found`), each reachable by the actor. */
  async function resolvePeople(actorId: Uuid, raw: readonly string[]): Promise<UserRecord[]> {
    const parsed = raw.map((r) => parseUuid(r));
    if (parsed.some((id) => id === null)) throw new DomainError('user_not_found');
    const wanted = [...new Set(parsed as Uuid[])];
    const found = await users.getMany(wanted);
    if (wanted.some((id) => !found.has(id))) throw new DomainError('user_not_found');
    await Promise.all(wanted.map((id) => requireNotBlocked(deps, actorId, id)));
    return wanted.map((id) => found.get(id) as UserRecord);
  }

  const audience = (c: Conversation, extra: Uuid[] = []) => ({
    kind: 'users' as const,
    userIds: [...new Set([...c.participants.map((p) => p.user_id), ...extra])],
  });

  return {
    async create(actorId, input) {
      // Guests hold no conversations (extensions.md §9); asked before any lookup of the others.
      const me = requirePermission(await users.getById(actorId), 'conversation.create');
      const title = parseTitle(input.title);
      const others = [...new Set(input.participant_ids)];
      if (others.some((id) => parseUuid(id) === actorId))
        throw invalid('participant_ids', 'list the others, not yourself');
      const min = CONVERSATION_LIMITS.minPeople - 1;
      const max = CONVERSATION_LIMITS.maxPeople - 1;
      if (others.length < min || others.length > max)
        throw invalid('participant_ids', `between ${min} and ${max} other people`);
      const people = await resolvePeople(actorId, others);
      if (people.length < min) throw invalid('participant_ids', `between ${min} and ${max} other people`);
      const at = toTimestamp(clock.now());
      const participants: Participant[] = orderParticipants(
        [me, ...people].map((u) => ({ user_id: u.id, username: u.username, joined_at: at })),
        actorId,
      );
      const conversation: Conversation = {
        id: ids.uuid(),
        title,
        participants,
        created_by: actorId,
        created_at: at,
        last_message_at: null,
      };
      await conversations.create(conversation);
      await emit(deps, audience(conversation), { type: 'conversation_created', conversation });
      return conversation;
    },

    async list(actorId) {
      const found = await conversations.getMany(await conversations.idsOf(actorId));
      // The index is eventually consistent: keep only conversations the caller is still in.
      const mine = found.filter((c) => c.participants.some((p) => p.user_id === actorId));
      const activity = (c: Conversation) => c.last_message_at ?? c.created_at;
      return mine.sort((a, b) =>
        activity(a) === activity(b) ? (a.id < b.id ? 1 : -1) : activity(a) < activity(b) ? 1 : -1,
      );
    },

    get: (actorId, conversationId) => requireParticipant(deps, idOf(conversationId), actorId),

    async update(actorId, conversationId, patch) {
      const id = idOf(conversationId);
      if (patch.title === undefined) return requireParticipant(deps, id, actorId);
      const title = parseTitle(patch.title);
      await conversations.setTitle(id, actorId, title);
      return requireParticipant(deps, id, actorId);
    },

    async addParticipants(actorId, conversationId, userIds) {
      const id = idOf(conversationId);
      const current = await requireParticipant(deps, id, actorId);
      if (userIds.length === 0) throw invalid('user_ids', 'at least one user');
      const people = await resolvePeople(actorId, userIds);
      const inside = new Set(current.participants.map((p) => p.user_id));
      const fresh = people.filter((u) => !inside.has(u.id));
      if (fresh.length === 0) return current;
      if (inside.size + fresh.length > CONVERSATION_LIMITS.maxPeople)
        throw invalid('user_ids', `a conversation has at most ${CONVERSATION_LIMITS.maxPeople} people`);
      const at = toTimestamp(clock.now());
      await conversations.addParticipants(
        id,
        actorId,
        fresh.map((u) => ({ user_id: u.id, username: u.username, joined_at: at })),
      );
      const after = await requireParticipant(deps, id, actorId);
      await emit(deps, audience(after), {
        type: 'participant_added',
        conversation: after,
        user_ids: fresh.map((u) => u.id),
        added_by: actorId,
      });
      return after;
    },

    async leave(actorId, conversationId) {
      const id = idOf(conversationId);
      const current = await requireParticipant(deps, id, actorId);
      if (!(await conversations.leave(id, actorId))) throw new DomainError('conversation_not_found');
      await emit(deps, audience(current), {
        type: 'participant_left',
        conversation_id: id,
        user_id: actorId,
      });
    },
  };
}
