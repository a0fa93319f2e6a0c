// Public surface of the storage kernel: table definition, clients, bootstrap, cursors, item conventions and the rate limiter (features' stores build on it).
export * from './table.js';
export * from './keys.js';
export * from './client.js';
export * from './bootstrap.js';
export * from './cursor.js';
export * from './context.js';
export { isLive, liveFilter, ttlEpochSeconds, type Item } from './items.js';
export { DynamoRateLimiter } from './rate-limiter.js';
export { isStorageUnavailable } from './errors.js';
