// Account-security commands of the terminal client (docs/protocol/extensions.md §10): /2fa setup|disable with a terminal QR code, /sessions [revoke <n|id>|all].
import qrcode from 'qrcode-terminal';
import type { CommandResult } from './commands.js';
import { shortId, style } from './render.js';

/** What the security commands need: the HTTP API (bearer of this login) and the terminal's questions. */
export interface AccountApi {
  /** An authenticated HTTP call; throws the SDK's LairHttpError on an error envelope. */
  send<T>(method: string, path: string, body?: unknown): Promise<T>;
  ask(question: string): Promise<string>;
  askSecret(question: string): Promise<string>;
}

interface SessionRow {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** The QR code of `text` as terminal lines (small half-block rendering, scannable by authenticator apps). */
export function qrLines(text: string): string[] {
  let out = '';
  qrcode.generate(text, { small: true }, (q) => {
    out = q;
  });
  return out.split('\n');
}

/** `/2fa` and `/sessions`, merged into the chat state's command table. */
export function securityCommands(
  apiOf: () => AccountApi | undefined,
  print: (...lines: string[]) => void,
): Record<string, (rest: string) => Promise<CommandResult>> {
  const unavailable = { lines: [style.red('Account commands need the HTTP API (not available)')] };
  let listed: SessionRow[] = [];
  return {
    async '2fa'(rest) {
      const api = apiOf();
      if (api === undefined) return unavailable;
      const sub = rest.trim().toLowerCase();
      if (sub === 'setup') {
        const { secret, otpauth_url } = await api.send<{ secret: string; otpauth_url: string }>(
          'POST',
          '/api/v1/auth/2fa/setup',
        );
        print('Scan this with an authenticator app (or enter the secret by hand):', ...qrLines(otpauth_url));
        print(`  secret: ${secret}`);
        const code = (await api.ask('6-digit code from the app')).trim();
        const { recovery_codes } = await api.send<{ recovery_codes: string[] }>(
          'POST',
          '/api/v1/auth/2fa/enable',
          {
            code,
          },
        );
        return {
          lines: [
            style.green('Two-factor authentication is on. Recovery codes (each works once; keep them safe):'),
            ...recovery_codes.map((c) => `  ${c}`),
          ],
        };
      }
      if (sub === 'disable') {
        const password = await api.askSecret('Password');
        const code = (await api.ask('6-digit code (or a recovery code)')).trim();
        const factor = /^\d{6}$/.test(code) ? { code } : { recovery_code: code };
        await api.send('POST', '/api/v1/auth/2fa/disable', { password, ...factor });
        return { lines: [style.green('Two-factor authentication is off.')] };
      }
      return { lines: [style.yellow('Usage: /2fa setup | /2fa disable')] };
    },

    async sessions(rest) {
      const api = apiOf();
      if (api === undefined) return unavailable;
      const [sub, arg] = rest.trim().split(/\s+/);
      if (sub === 'all') {
        const { revoked_sessions } = await api.send<{ revoked_sessions: number }>(
          'POST',
          '/api/v1/auth/logout-all',
        );
        return { lines: [style.yellow(`Revoked ${revoked_sessions} session(s), this one included.`)] };
      }
      if (sub === 'revoke') {
        const n = Number(arg);
        const target =
          Number.isInteger(n) && n >= 1 && n <= listed.length
            ? listed[n - 1]
            : listed.find((s) => arg !== undefined && arg.length >= 4 && s.id.startsWith(arg));
        if (target === undefined)
          return { lines: [style.yellow('Usage: /sessions revoke <n|id> (n from /sessions)')] };
        await api.send('DELETE', `/api/v1/auth/sessions/${target.id}`);
        return { lines: [style.dim(`* revoked session ${shortId(target.id)}`)] };
      }
      const { sessions } = await api.send<{ sessions: SessionRow[] }>('GET', '/api/v1/auth/sessions');
      listed = sessions;
      return {
        lines: [
          style.bold('Sessions:'),
          ...sessions.map(
            (s, i) =>
              `  [${i + 1}] ${shortId(s.id)} ${s.current ? style.green('(this one) ') : ''}${s.ip ?? '?'} ${s.user_agent ?? ''} — last used ${s.last_used_at}`,
          ),
          style.dim('  /sessions revoke <n> ends one; /sessions all ends every session'),
        ],
      };
    },
  };
}
