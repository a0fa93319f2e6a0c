// ReverifyLoop: passes run every period, never overlap, stop cleanly; 0 disables.
import { jest } from '@jest/globals';
import { ReverifyLoop } from '../../../relay/delivery/reverify-loop.js';
import { testLogger } from '../../support/relay.js';

describe('ReverifyLoop', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs one pass per period, the next scheduled only after the previous ended, until stopped', async () => {
    let passes = 0;
    let finish: (() => void) | undefined;
    const registry = {
      reconcile: () =>
        new Promise<{ rooms: number; removed: number; added: number }>((resolve) => {
          passes += 1;
          finish = () => {
            resolve({ rooms: 0, removed: 0, added: 0 });
          };
        }),
    };
    const loop = new ReverifyLoop(registry, 1000, testLogger());
    loop.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(passes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(5000); // the pass is still running: no second one
    expect(passes).toBe(1);
    finish?.();
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(2);
    loop.stop();
    finish?.();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(passes).toBe(2);
  });

  it('period 0 never runs', async () => {
    let passes = 0;
    const loop = new ReverifyLoop(
      { reconcile: () => Promise.resolve({ rooms: (passes += 1), removed: 0, added: 0 }) },
      0,
      testLogger(),
    );
    loop.start();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(passes).toBe(0);
  });
});
