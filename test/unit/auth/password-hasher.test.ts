// Unit tests for the Argon2id password hasher (PHC strings; verify never throws).
import { createPasswordHasher } from '../../../shared/auth/password-hasher.js';

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher();

  it('produces an Argon2id v19 PHC string with upstream parameters that verifies', async () => {
    const phc = await hasher.hash('correct horse');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify(phc, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(phc, 'wrong horse')).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it.each(['', 'not-a-hash', '$argon2id$v=19$m=19456,t=2,p=1$bad', '$2b$12$abcdefghijklmnopqrstuv'])(
    'returns false (never throws) for the malformed hash %p',
    async (phc) => {
      await expect(hasher.verify(phc, 'whatever1')).resolves.toBe(false);
    },
  );
});
