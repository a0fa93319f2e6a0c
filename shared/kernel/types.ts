// Identifier and timestamp vocabulary shared by every feature (protocol docs/protocol/domain.md §2–§3).

/** UUID v4 string, lowercase hyphenated (docs/protocol/domain.md §3). */
export type Uuid = string;
/** RFC 3339 UTC timestamp string (docs/protocol/domain.md §2). */
export type Timestamp = string;

/** System role (docs/protocol/domain.md §6.1, ranked admin > moderator > user > guest by docs/protocol/extensions.md §9); owned by the users feature, spelled here because token claims carry it. */
export type SystemRole = 'guest' | 'user' | 'moderator' | 'admin';
