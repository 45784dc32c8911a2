/**
 * How busy this process is: requests in flight, the event loop's delay and
 * its utilisation. The HTTP layer sheds new requests (503 OVERLOADED) before
 * queues build; the storage breaker asks whether a late answer was the
 * process's fault before it blames Redis (src/ops/breaker.ts).
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { LoadSettings } from './config.js';

/** Share of a wait the event loop spent running code above which a timeout is the process's fault, not the dependency's. */
const BUSY_UTILISATION = 0.9;
/** How often the event-loop delay is judged (the worst delay of the last window decides the next; short, so shedding stops soon after the loop is free again). */
const DELAY_WINDOW_MS = 100;

export type ShedReason = 'in-flight' | 'event-loop-delay';

export class LoadMonitor {
  /** Requests admitted and not yet answered (or abandoned). */
  inFlight = 0;
  private readonly delay: IntervalHistogram | null = null;
  private readonly timer: NodeJS.Timeout | null = null;
  private lagging = false;
  /** Worst event-loop delay (ms) of the last judged window. */
  worstDelayMs = 0;

  constructor(readonly settings: LoadSettings) {
    if (settings.maxEventLoopDelayMs > 0) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      this.delay = delay;
      this.timer = setInterval(() => this.judgeDelay(), DELAY_WINDOW_MS);
      this.timer.unref();
    }
  }

  private judgeDelay(): void {
    const delay = this.delay!;
    this.worstDelayMs = delay.max / 1e6;
    delay.reset();
    this.lagging = this.worstDelayMs > this.settings.maxEventLoopDelayMs;
  }

  /** Why a new request must be turned away now, or null when it may come in. */
  shedReason(): ShedReason | null {
    const { maxInFlight } = this.settings;
    if (maxInFlight > 0 && this.inFlight >= maxInFlight) return 'in-flight';
    if (this.lagging) return 'event-loop-delay';
    return null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.delay?.disable();
  }
}

/** A mark to judge a wait by: take it when the wait starts. */
export function utilisationMark(): EventLoopUtilization {
  return performance.eventLoopUtilization();
}

/**
 * Whether the event loop was busy running code for most of the time since the
 * mark: then an answer that came late may have been waiting, unread, behind
 * our own work.
 */
export function busySince(mark: EventLoopUtilization): boolean {
  return performance.eventLoopUtilization(mark).utilization >= BUSY_UTILISATION;
}
