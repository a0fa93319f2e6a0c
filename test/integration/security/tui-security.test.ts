// Terminal-client /2fa setup (QR + code prompt), the SDK's second-factor login and /sessions, against the real HTTP API.
import { TOTP, Secret } from 'otpauth';
import { ChatState } from '../../../client/tui/commands.js';
import { LairHttpClient } from '../../../client/sdk/http.js';
import { FakeSession } from '../../unit/client/fake-session.js';
import { aUser } from '../../unit/client/fixtures.js';
import { registerUser, startTestApi, type TestApi } from '../../support/http.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const code = (secret: string, ms = Date.now()) =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: ms,
  });

it('/2fa setup prints a QR code, asks for a code and shows 10 recovery codes; login then needs a code; /sessions', async () => {
  const u = await registerUser(api, 'tui');
  const http = new LairHttpClient(api.baseUrl, u.token);
  const printed: string[] = [];
  let secret = '';
  const state = new ChatState(new FakeSession(() => undefined), aUser(), undefined, {
    send: (method, path, body) => http.send(method, path, body),
    ask: () => Promise.resolve(code(secret, Date.now() - 30_000)),
    askSecret: () => Promise.resolve(u.password),
    print: (...lines) => {
      printed.push(...lines);
      secret = /secret: (\S+)/.exec(lines.join('\n'))?.[1] ?? secret;
    },
  });
  const out = await state.run('/2fa setup');
  expect(printed.join('\n')).toMatch(/[▀▄█]/); // the QR code's half blocks
  expect(out.lines[0]).toContain('Two-factor authentication is on');
  expect(out.lines.slice(1)).toHaveLength(10);

  const fresh = new LairHttpClient(api.baseUrl);
  await expect(fresh.login(u.username, u.password)).rejects.toMatchObject({
    code: 'totp_required',
  });
  const second = await fresh.login(u.username, u.password, { totp_code: code(secret) });
  expect(second.user.id).toBe(u.id);

  const list = await state.run('/sessions');
  expect(list.lines.filter((l) => l.includes('[')).length).toBe(2);
  expect(list.lines.join('\n')).toContain('(this one)');
  const target = list.lines.findIndex((l) => l.includes('[') && !l.includes('(this one)'));
  const revoke = await state.run(`/sessions revoke ${target}`);
  expect(revoke.lines[0]).toContain('revoked session');
  await expect(fresh.send('GET', '/api/v1/auth/sessions')).rejects.toMatchObject({
    code: 'session_not_found',
  });
});
