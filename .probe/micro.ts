import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, PutCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startStorage } from '../bench/lib/dynamo.js';
import { invitationRecordItem, slotItem, type Invitation } from '../shared/features/invitations/index.js';

const s = await startStorage(undefined);
const { doc } = s.clients;
const TableName = s.tableName;
const room = 'R' + randomUUID();
await doc.send(new PutCommand({ TableName, Item: { PK: `ROOM#${room}`, SK: 'META' } }));
const inv = (): Invitation => ({ id: randomUUID(), room_id: room, room_name: 'r', inviter_id: 'a', inviter_name: 'a', invitee_id: randomUUID(), invitee_name: 'x', status: 'pending', message: null, created_at: new Date().toISOString(), expires_at: new Date(Date.now() + 86400e3).toISOString(), responded_at: null, role: 'member', cancelled_at: null, cancelled_by: null });
const items3 = (i: Invitation, withMember = true) => [
  ...(withMember ? [{ ConditionCheck: { TableName, Key: { PK: `ROOM#${room}`, SK: `MEMBER#${i.invitee_id}` }, ConditionExpression: 'attribute_not_exists(PK)' } }] : []),
  { Put: { TableName, Item: slotItem(i), ConditionExpression: 'attribute_not_exists(PK)' } },
  { Put: { TableName, Item: invitationRecordItem({ ...i, history: [] }, '01' + randomUUID().slice(0, 24)), ConditionExpression: 'attribute_not_exists(PK)' } },
];
const check = { ConditionCheck: { TableName, Key: { PK: `ROOM#${room}`, SK: 'META' }, ConditionExpression: 'attribute_exists(PK)' } };
const twi = (n: number, withMember = true) => doc.send(new TransactWriteCommand({ TransactItems: [check, ...Array.from({ length: n }, () => items3(inv(), withMember)).flat()] }));
async function t(name: string, f: () => Promise<unknown>, reps = 15) {
  for (let i = 0; i < 3; i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await f(); xs.push(performance.now() - t0); }
  xs.sort((a, b) => a - b);
  console.log(name.padEnd(50), xs[Math.floor(xs.length / 2)]!.toFixed(1), 'ms');
}
const opts: [string, () => Promise<unknown>][] = [
  ['TWI 1 invitee (4 items)', () => twi(1)],
  ['TWI 33+17 parallel (current)', () => Promise.all([twi(33), twi(17)])],
  ['TWI 33 then 17 sequential', async () => { await twi(33); await twi(17); }],
  ['TWI 2 items/invitee 49+1 parallel', () => Promise.all([twi(49, false), twi(1, false)])],
  ['TWI 2 items/invitee 4x~12 parallel', () => Promise.all([twi(13, false), twi(13, false), twi(12, false), twi(12, false)])],
  ['TWI 3 items/invitee 4x~12 parallel', () => Promise.all([twi(13), twi(13), twi(12), twi(12)])],
];
const res = new Map<string, number[]>();
for (const [, f] of opts) for (let i = 0; i < 3; i++) await f();
for (let r = 0; r < 12; r++) for (const [n, f] of opts) { const t0 = performance.now(); await f(); res.set(n, [...(res.get(n) ?? []), performance.now() - t0]); }
for (const [n, xs] of res) { xs.sort((a, b) => a - b); console.log(n.padEnd(45), xs[Math.floor(xs.length / 2)]!.toFixed(1), 'ms'); }
await s.stop();
