// Public surface of the ports: repository and infrastructure interfaces the services depend on.
export type * from './repositories.js';
export type * from './services.js';
