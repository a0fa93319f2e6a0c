// Public surface of auth: the Argon2id PasswordHasher and the HS256 TokenService implementations.
export { createPasswordHasher, type Argon2Params } from './password-hasher.js';
export { createTokenService } from './token-service.js';
