/**
 * `deps/SOURCE.txt` of the tfjs-node package: where its libtensorflow came from (which wheel and
 * sha256, or the stock download), written at install time and read back for log lines.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { TfjsNodePackage } from "./package.ts";
import { PINNED_TF_WHEEL, shortSha } from "./wheel.ts";

/** Where the libtensorflow in a package's `deps/` came from (`deps/SOURCE.txt`). */
export interface TensorflowSource {
  /** `wheel`: a TensorFlow wheel; `stock`: the package's own download; `unknown`: unrecorded. */
  route: "wheel" | "stock" | "unknown";
  /** Wheel file name. */
  wheel?: string;
  /** Hex sha256 of the wheel. */
  sha256?: string;
  /** pip requirement of an `HT_TF_WHEEL` override. */
  requirement?: string;
  /** How it was chosen (a `WheelChoice.label` of `wheel.ts`, or the stock URL). */
  source: string;
  /** Whether it is {@link PINNED_TF_WHEEL} (judged by the recorded sha256). */
  pinned: boolean;
}

/** Text of `deps/SOURCE.txt`: a sentence, then `key: value` lines. */
export function formatTensorflowSource(src: Omit<TensorflowSource, "pinned">): string {
  const head = src.route === "stock"
    ? `libtensorflow from the stock download ${src.source} (via deno task setup:tf --stock)`
    : `libtensorflow from ${src.wheel} (via deno task setup:tf)`;
  const pinned = src.sha256 === PINNED_TF_WHEEL.sha256 ? "yes" : "no";
  const lines = [head, `route: ${src.route}`];
  if (src.wheel) lines.push(`wheel: ${src.wheel}`);
  if (src.sha256) lines.push(`sha256: ${src.sha256}`);
  if (src.requirement) lines.push(`requirement: ${src.requirement}`);
  lines.push(`pinned: ${pinned}`, `source: ${src.source}`);
  return lines.join("\n") + "\n";
}

/**
 * Read `deps/SOURCE.txt` of a package: which wheel (name, sha256) or stock download its
 * libtensorflow came from; undefined when there is none. Files written before the pin have only
 * the first line, so no sha256, and never count as pinned.
 */
export async function installedTensorflowSource(
  pkg: Pick<TfjsNodePackage, "depsLib">,
): Promise<TensorflowSource | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dirname(pkg.depsLib), "SOURCE.txt"));
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const line of text.split("\n").slice(1)) {
    const m = /^([a-z0-9]+):\s*(.*)$/.exec(line.trim());
    if (m) fields[m[1]] = m[2];
  }
  const first = text.split("\n")[0].trim();
  const legacyWheel = /^libtensorflow from (\S+\.whl)\b/.exec(first)?.[1];
  const route = fields.route === "wheel" || fields.route === "stock"
    ? fields.route
    : legacyWheel
    ? "wheel"
    : "unknown";
  const sha256 = /^[0-9a-f]{64}$/.test(fields.sha256 ?? "") ? fields.sha256 : undefined;
  return {
    route,
    ...(fields.wheel ?? legacyWheel ? { wheel: fields.wheel ?? legacyWheel } : {}),
    ...(sha256 ? { sha256 } : {}),
    ...(fields.requirement ? { requirement: fields.requirement } : {}),
    source: fields.source ?? first,
    pinned: sha256 === PINNED_TF_WHEEL.sha256,
  };
}

/** One phrase for where `deps/` came from, for log lines. */
export function describeTensorflowSource(src: TensorflowSource | undefined): string {
  if (!src) return "origin not recorded (no deps/SOURCE.txt)";
  if (src.route === "stock") return `the stock download ${src.source}, not the pinned wheel`;
  if (src.route === "unknown") return `${src.source} (not the pinned wheel)`;
  if (!src.sha256) {
    return `${src.wheel ?? src.source} (no sha256 recorded: not known to be the pinned wheel)`;
  }
  const sha = `sha256 ${shortSha(src.sha256)}`;
  return src.pinned
    ? `pinned ${src.wheel} (${sha})`
    : `${src.wheel ?? src.source} (${sha}), not the pinned wheel`;
}
