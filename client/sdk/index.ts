// Public surface of the Lair Chat client SDK: REST client, TCP and WebSocket session clients.
export * from './http.js';
export * from './session.js';
export * from './tcp.js';
export * from './ws.js';
