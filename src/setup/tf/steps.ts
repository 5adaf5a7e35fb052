/**
 * The step log of `deno task setup:tf` (`setupTf` of `setup.ts`): each step's outcome, its time
 * and its log line.
 *
 * @module
 */

/** One step of `setupTf` (`setup.ts`). */
export interface SetupTfStep {
  /**
   * Short name (`locate`, `hash`, `check`, `lock`, `tools`, `stock`, `wheel`, `libs`, `build`,
   * `verify`, `onednn`).
   */
  name: string;
  /** Outcome. */
  status: "ok" | "skipped" | "failed";
  /** Milliseconds spent. */
  ms: number;
  /** What happened. */
  detail: string;
}

/** Records the steps of one setup:tf, with a log line for each. */
export interface StepLog {
  /** The steps so far, in order. */
  readonly steps: SetupTfStep[];
  /** Log the line that starts a step and start its clock. */
  begin(line: string): void;
  /** Record a step, log its outcome (with its time when ok) and restart the clock. */
  done(name: string, status: SetupTfStep["status"], detail: string): void;
  /** Restart the clock without a line. */
  restart(): void;
}

/** A {@link StepLog} writing its lines to `log`; its clock starts now. */
export function stepLog(log: (line: string) => void): StepLog {
  const steps: SetupTfStep[] = [];
  let stepT = performance.now();
  return {
    steps,
    begin(line) {
      log(line);
      stepT = performance.now();
    },
    done(name, status, detail) {
      const ms = performance.now() - stepT;
      steps.push({ name, status, ms, detail });
      log(
        `[${name}] ${status}${status === "ok" ? ` (${(ms / 1000).toFixed(1)} s)` : ""}: ${detail}`,
      );
      stepT = performance.now();
    },
    restart() {
      stepT = performance.now();
    },
  };
}
