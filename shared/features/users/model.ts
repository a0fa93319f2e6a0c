// Users feature model: the wire User, its stored record, the repository port and the error rows (docs/protocol/domain.md §4.1).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { SystemRole, Timestamp, Uuid } from '../../kernel/types.js';

export type { SystemRole };

/** Profile fields of docs/protocol/extensions.md §7.1 (additive, `null` = not set). */
export interface ProfileFields {
  /** ≤ 64 characters. */
  display_name: string | null;
  /** ≤ 140 characters. */
  status_message: string | null;
  /** `https:` URL, ≤ 512 characters. */
  avatar_url: string | null;
  /** IANA time zone name, e.g. `Europe/Berlin`. */
  timezone: string | null;
  /** Canonical BCP 47 tag, e.g. `de-DE`. */
  locale: string | null;
}

/** The profile field names, in wire order. */
export const PROFILE_FIELDS = ['display_name', 'status_message', 'avatar_url', 'timezone', 'locale'] as const;

/** User as sent on the wire (docs/protocol/domain.md §4.1 plus extensions.md §7.1). `email` is always included. */
export interface User extends ProfileFields {
  id: Uuid;
  username: string;
  email: string;
  role: SystemRole;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_seen_at: Timestamp | null;
}

/** Username every deleted user's id resolves to (docs/protocol-extensions.md §9 "deleted authors"). */
export const DELETED_USERNAME = 'deleted-user';

/**
 * What `GET /api/v1/users/{id}` and TCP `get_user` answer for a user an admin deleted: the id kept
 * (their messages keep `author`), username `deleted-user`, no email, `deleted: true` (additive,
 * docs/protocol/extensions.md §0.4, §9).
 */
export function deletedUser(id: Uuid, deletedAt: Timestamp): User & { deleted: true } {
  return {
    id,
    username: DELETED_USERNAME,
    email: '',
    role: 'user',
    created_at: deletedAt,
    updated_at: deletedAt,
    last_seen_at: null,
    display_name: null,
    status_message: null,
    avatar_url: null,
    timezone: null,
    locale: null,
    deleted: true,
  };
}

/** Stored user: the wire shape (profile fields absent until set) plus the Argon2id PHC hash, which never leaves the server. */
export interface UserRecord extends Omit<User, keyof ProfileFields>, Partial<ProfileFields> {
  password_hash: string;
}

/** Picks the wire fields of docs/protocol/domain.md §4.1 (drops `password_hash` and anything else stored). */
export function toUser(r: User | UserRecord): User {
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    role: r.role,
    created_at: r.created_at,
    updated_at: r.updated_at,
    last_seen_at: r.last_seen_at,
    display_name: r.display_name ?? null,
    status_message: r.status_message ?? null,
    avatar_url: r.avatar_url ?? null,
    timezone: r.timezone ?? null,
    locale: r.locale ?? null,
  };
}

/** Error rows of the users feature (docs/protocol/tcp.md §9.3). */
export const errors = {
  username_invalid: { message: 'Username invalid', http: 400 },
  email_invalid: { message: 'Email invalid', http: 400 },
  password_too_weak: { message: 'Password too weak', http: 400 },
  username_taken: { message: 'Username already taken', http: 409 },
  email_taken: { message: 'Email already registered', http: 409 },
  user_not_found: { message: 'User not found', http: 404 },
} as const satisfies ErrorRows;

/** The users feature raises no client events. */
export type Events = never;

/** Users, with username/email uniqueness enforced by sentinel items (docs/design.md §3). */
export interface UserRepository {
  /**
   * Creates the user and its username/email sentinels in one TransactWriteItems.
   * @throws ConflictError `username_taken` / `email_taken` (checked in that order)
   */
  create(user: UserRecord): Promise<void>;
  /** Strongly consistent read by id; `null` when absent. */
  getById(id: Uuid): Promise<UserRecord | null>;
  /** The marker an admin deletion leaves (`USER#<id>`/`DELETED`); `null` when the id was never deleted. */
  getDeleted(id: Uuid): Promise<{ deleted_at: Timestamp } | null>;
  /** Batch read by ids (missing ids are simply absent from the result map). */
  getMany(ids: Uuid[]): Promise<Map<Uuid, UserRecord>>;
  /** Looks up by username, case-insensitively (via the `UNAME#<lower>` sentinel). */
  getByUsername(username: string): Promise<UserRecord | null>;
  /**
   * Many usernames at once (case-insensitive): one BatchGetItem of the `UNAME#` sentinels, then one
   * of the owners. @returns per name (same order) the user or `null`
   */
  getManyByUsername(usernames: string[]): Promise<(UserRecord | null)[]>;
  /** Looks up by email, case-insensitively (via the `EMAIL#<lower>` sentinel). */
  getByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Changes the email: swaps the sentinel and updates the profile atomically.
   * @param email - already validated and lowercased
   * @throws ConflictError `email_taken`; DomainError `user_not_found`
   */
  updateEmail(id: Uuid, email: string, updatedAt: string): Promise<UserRecord>;
  /**
   * Sets the given profile fields (`null` removes one) and `updated_at` in one UpdateItem.
   * @throws DomainError `user_not_found`
   */
  updateProfile(id: Uuid, fields: Partial<ProfileFields>, updatedAt: string): Promise<UserRecord>;
  /** Replaces the password hash and bumps `updated_at`. @throws `user_not_found` */
  updatePasswordHash(id: Uuid, passwordHash: string, updatedAt: string): Promise<void>;
  /**
   * Users ordered by lowercased username ascending, `offset` then `limit` (docs/protocol/domain.md §9);
   * with `search` (already normalised (shared/kernel/validation.ts `normalizeSearch`)) only usernames containing it.
   */
  list(limit: number, offset: number, search?: string | null): Promise<User[]>;
  /** Number of users (admin stats). */
  count(): Promise<number>;
}
