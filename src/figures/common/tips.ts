/**
 * Tooltips of live figures: the text a Plot `tip` shows for a data point (model, value and 95%
 * interval, e.g. `Baseline` over `Human-pair ρ 0.412 [0.380, 0.440]`) and the mark options that
 * attach it. A tip follows the pointer, so a figure drawn on the server (no pointer) renders an
 * empty tip group and its pixels do not change. Browser-safe.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { fmt, fmtInterval } from "../data.ts";

/** A value with an optional 95% interval. */
export interface Estimate {
  /** Point estimate. */
  value: number | null;
  /** Lower end of the interval (null or absent: no interval). */
  ci_low?: number | null;
  /** Upper end of the interval. */
  ci_high?: number | null;
}

/** Options of {@link estimateTip}. */
export interface EstimateTipOptions {
  /** What the value measures (`Test top-1`, `Δ top-1`); omitted when empty. */
  metric?: string;
  /** Decimals (default 3). */
  digits?: number;
  /** Extra lines under the value (other values of the same point). */
  extra?: string[];
}

/**
 * Tooltip text of one estimate, one line each: the label (the model), `metric value [low, high]`,
 * then `options.extra`; the interval is left out when the estimate has none, and so is an empty
 * label. Short lines keep the tip narrow enough to fit beside a point on a narrow page.
 */
export function estimateTip(
  label: string,
  estimate: Estimate,
  options: EstimateTipOptions = {},
): string {
  const digits = options.digits ?? 3;
  const low = estimate.ci_low ?? null, high = estimate.ci_high ?? null;
  const interval = low !== null && high !== null ? ` ${fmtInterval(low, high, digits)}` : "";
  const value = `${options.metric ? `${options.metric} ` : ""}${fmt(estimate.value, digits)}`;
  return [label, `${value}${interval}`, ...(options.extra ?? [])].filter((line) => line)
    .join("\n");
}

/**
 * Plot options of a tip at the pointer (the title channel's text): the figures' body size, lines
 * up to 24 ems before Plot wraps them.
 */
export const TIP = { fontSize: 11, lineHeight: 1.2, lineWidth: 24 } as const;

/**
 * Mark options that give a Plot mark (dot, cell, bar, tick) a pointer tip showing `title(d)`
 * for the datum nearest the pointer; spread them into the mark's options.
 */
export function tipOptions<T>(
  title: (d: T) => string,
): { title: (d: T) => string; tip: typeof TIP } {
  return { title, tip: TIP };
}

/**
 * One pointer tip over `data` as its own mark (`channels`: the x/y, and fx/fy of a faceted plot,
 * positions of the points; `title`: the text): for plots whose points come from several marks,
 * where a `tip` per mark would show several tips at once.
 */
export function pointerTip<T>(
  data: readonly T[],
  channels: { title: (d: T) => string } & Record<string, Plot.ChannelValue>,
): Plot.Markish {
  return Plot.tip(data, Plot.pointer({ ...channels, ...TIP }));
}
