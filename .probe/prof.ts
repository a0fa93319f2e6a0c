import { randomUUID } from 'node:crypto';
import { composeServices } from '../shared/compose.js';
import { startStorage } from '../bench/lib/dynamo.js';

const s = await startStorage(undefined);
const { doc } = s.clients;
const log: string[] = [];
let t0 = 0;
doc.middlewareStack.add((next, ctx) => async (args) => {
  const a = performance.now();
  const r = await next(args);
  log.push(`${(a - t0).toFixed(0).padStart(5)} +${(performance.now() - a).toFixed(0).padStart(4)} ${ctx.commandName}`);
  return r;
}, { step: 'initialize', name: 'prof' });
const c = composeServices({ doc, tableName: s.tableName, jwtSecret: 'bench', events: { publish: () => Promise.resolve() } });
const { services } = c;
const reg = (i: number) => services.auth.register({ username: `b${i}_${randomUUID().slice(0, 6)}`, email: `b${i}_${randomUUID().slice(0, 6)}@bench.invalid`, password: 'bench-password-1' }, 'http');
const inviter = (await reg(0)).user;
const invitees = (await Promise.all(Array.from({ length: 50 }, (_, i) => reg(i + 1)))).map((r) => r.user.id);
for (let k = 0; k < 4; k++) {
  const room = await services.rooms.create(inviter.id, { name: `r${randomUUID().slice(0, 12)}` });
  log.length = 0;
  t0 = performance.now();
  const out = await services.invitations.createBulk(inviter.id, room.id, { userIds: invitees }, { requireModerator: true });
  const total = performance.now() - t0;
  console.log('--- total', total.toFixed(0), 'ms created', out.created, 'calls', log.length);
  const counts = new Map<string, number>();
  for (const l of log) { const n = l.split(' ').pop()!; counts.set(n, (counts.get(n) ?? 0) + 1); }
  console.log([...counts].join(' '));
  if (k === 3) console.log(log.join('\n'));
}
await s.stop();
