// Public surface of the pure domain: entities, errors, events, validation, time helpers.
export * from './entities.js';
export * from './errors.js';
export * from './events.js';
export * from './validation.js';
export * from './time.js';
