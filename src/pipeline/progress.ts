/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Unit shown after counts and in the rate (default "items"). */
  unit?: string;
  /** Force showing (true) or hiding (false); default: only when stderr is a terminal. */
  show?: boolean;
  /** Minimum milliseconds between redraws (default 200). */
  intervalMs?: number;
}

/** A progress line for long work. */
export interface Progress {
  /** Advance by `n` items (default 1). */
  tick(n?: number): void;
  /** Finish: clear the line (TTY) and return the elapsed seconds. */
  done(): number;
}

/**
 * Progress with stage, counts, rate and ETA, redrawn in place on a TTY, silent otherwise
 * (CI logs stay quiet).
 */
export function createProgress(
  stage: string,
  total: number,
  options: ProgressOptions = {},
): Progress {
  const show = options.show ?? safeIsTerminal();
  const unit = options.unit ?? "items";
  const interval = options.intervalMs ?? 200;
  const start = performance.now();
  let count = 0;
  let last = 0;
  const encoder = new TextEncoder();
  const draw = () => {
    const elapsed = (performance.now() - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = rate > 0 && total > count ? (total - count) / rate : 0;
    const pct = total > 0 ? ` ${((100 * count) / total).toFixed(1)}%` : "";
    const line = `\r\x1b[2K${stage}: ${count}/${total} ${unit}${pct} · ${
      formatRate(rate)
    } ${unit}/s · ETA ${formatSeconds(eta)}`;
    Deno.stderr.writeSync(encoder.encode(line));
  };
  return {
    tick(n = 1) {
      count += n;
      if (!show) return;
      const now = performance.now();
      if (now - last >= interval || count >= total) {
        last = now;
        draw();
      }
    },
    done() {
      if (show) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
      return (performance.now() - start) / 1000;
    },
  };
}

/** Human-readable seconds: `42s`, `3m05s`, `1h02m`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal() && !Deno.env.get("CI");
  } catch {
    return false;
  }
}
