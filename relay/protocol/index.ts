// Public surface of the pure TCP codec: framing, encryption, client schemas, server message builders.
export * from './frame.js';
export * from './crypto.js';
export * from './messages.js';
export * from './outgoing.js';
