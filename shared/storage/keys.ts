// Key vocabulary of the single table (docs/design.md §3): the key shape, case folding, and the rate-limit key (each feature's store owns its own keys).
import { createHash } from 'node:crypto';

/** A primary key. */
export interface Key {
  PK: string;
  SK: string;
}

/** Case folding used by every case-insensitive key (usernames, emails, room names). */
export const lower = (s: string): string => s.toLowerCase();

/** Keys of the storage kernel's own items (rate-limit windows, docs/protocol/http.md §3). */
export const keys = {
  /** The client key is hashed (SHA-256, base64url): any caller string fits DynamoDB's 2048-byte key limit. */
  rateLimit: (key: string, bucket: string, windowStart: number): Key => ({
    PK: `RATE#${bucket}#${createHash('sha256').update(key).digest('base64url')}`,
    SK: `WINDOW#${windowStart}`,
  }),
} as const;

/** Partition of a user's GSI1 item collection (memberships, invitations): `USER#<id>`. */
export const userIndexPartition = (userId: string): string => `USER#${userId}`;
