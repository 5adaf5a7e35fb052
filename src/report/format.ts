/**
 * Number formatting of the write-up beyond the figures' own (src/figures/data.ts: `fmt`,
 * `fmtSigned`, `fmtInterval`), so the same value reads the same in a figure and in the text.
 *
 * @module
 */
import { fmtSigned } from "../figures/data.ts";

/** A signed 95% interval (`[−0.008, +0.010]`). */
export function fmtSignedInterval(low: number, high: number, digits = 3): string {
  return `[${fmtSigned(low, digits)}, ${fmtSigned(high, digits)}]`;
}

/** A p-value (`p = 0.032`, `p < 0.001`). */
export function fmtP(p: number, label = "p"): string {
  if (p < 0.001) return `${label} < 0.001`;
  return `${label} = ${p.toFixed(3)}`;
}

/** An integer with thousands separators (`10,181`). */
export function fmtCount(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
