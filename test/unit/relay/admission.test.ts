// AdmissionGate: at most `limit` authentications at once, the rest in arrival order, slots released on failure (relay/connection/admission.ts).
import { describe, expect, it } from '@jest/globals';
import { AdmissionGate } from '../../../relay/connection/admission.js';

/** A task the test finishes by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('AdmissionGate', () => {
  it('runs at most `limit` at once and starts the waiters in arrival order', async () => {
    const gate = new AdmissionGate(2);
    const tasks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = tasks.map((t, i) =>
      gate.run(async () => {
        started.push(i);
        await t.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.running).toBe(2);
    expect(gate.queued).toBe(2);
    tasks[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[2]!.resolve();
    tasks[3]!.resolve();
    await Promise.all(runs);
    expect(gate.running).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it('releases the slot when the task rejects, and passes the rejection on', async () => {
    const gate = new AdmissionGate(1);
    const failing = gate.run(() => Promise.reject(new Error('storage down')));
    const next = gate.run(() => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('storage down');
    await expect(next).resolves.toBe('ok');
    expect(gate.running).toBe(0);
  });

  it('limit 0 is unbounded', async () => {
    const gate = new AdmissionGate(0);
    const tasks = [deferred(), deferred(), deferred()];
    let started = 0;
    const runs = tasks.map((t) =>
      gate.run(async () => {
        started += 1;
        await t.promise;
      }),
    );
    await tick();
    expect(started).toBe(3);
    for (const t of tasks) t.resolve();
    await Promise.all(runs);
  });
});
