/**
 * Records the waits this process schedules (the delay of each `setTimeout`), each with `state()` at the moment it
 * was scheduled, until `stop()`. A test shows that code waited as long as it should (a 429's retry_after) without
 * timing it: the wait asked for is the behaviour, the clock is not.
 */
export function recordWaits<T>(state: () => T): { waits: Array<{ ms: number; state: T }>; stop: () => void } {
  const original = globalThis.setTimeout;
  const waits: Array<{ ms: number; state: T }> = [];
  const recording = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    waits.push({ ms: ms ?? 0, state: state() });
    return original(handler, ms, ...args);
  };
  globalThis.setTimeout = Object.assign(recording, original) as typeof setTimeout;
  return {
    waits,
    stop: () => {
      globalThis.setTimeout = original;
    },
  };
}
