// A clock the test moves by hand. Timers fire only inside advance(); jump() moves time without
// firing them (a laptop that slept: timers are late, the clock is not).
import type { Clock } from '../../src/index.js';

/** Lets every pending promise callback and I/O turn run (real setImmediate, not the fake clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private t = Date.UTC(2026, 11, 7, 9, 0, 0);
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing each timer when its time comes, and letting promises settle between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
    await settle();
  }

  /** Moves time forward without firing any timer. */
  jump(ms: number): void {
    this.t += ms;
  }
}
