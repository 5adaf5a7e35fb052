/**
 * The libraries of a TensorFlow wheel: which cached extraction counts as a given wheel, the
 * extraction into the cache (with its `complete.json` marker), and installing them into the
 * package's `deps/` under the names the addon links against.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.ts";
import { exists } from "../../io/files.ts";
import { extractZip } from "../../io/zip.ts";
import { SetupTfError } from "./error.ts";
import type { TfjsNodePackage } from "./package.ts";
import { formatTensorflowSource } from "./source.ts";
import { DEFAULT_WHEEL, type ObtainedWheel, PINNED_TF_WHEEL, type WheelChoice } from "./wheel.ts";

/** Which entries of the wheel to keep: the two libraries and the headers of the TF C API. */
const WHEEL_LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"];
const HEADER_PREFIXES = [
  "tensorflow/c/",
  "tensorflow/core/platform/",
  "tsl/platform/",
  "tsl/c/",
  "xla/tsl/c/",
];

/** Whether a wheel entry is one {@link extractWheelLibs} keeps. */
function keepWheelEntry(name: string): boolean {
  if (WHEEL_LIBS.some((lib) => name === `tensorflow/${lib}`)) return true;
  const prefix = "tensorflow/include/";
  if (!name.startsWith(prefix) || name.endsWith("/")) return false;
  const rel = name.slice(prefix.length);
  return HEADER_PREFIXES.some((p) => rel.startsWith(p)) && /\.(h|inc|def)$/.test(rel);
}

/** Marker of a complete extraction in the cache (`<cache>/<wheel stem>/complete.json`). */
export interface CacheMarker {
  /** File name of the wheel the libraries came from. */
  wheel: string;
  /** Version from the wheel's file name. */
  version: string;
  /** Hex sha256 of that wheel file (absent in markers written before the pin). */
  sha256?: string;
  /** The pip requirement of an `HT_TF_WHEEL` override, if it was one. */
  requirement?: string;
  /** How the wheel was chosen ({@link WheelChoice.label}). */
  source?: string;
  /** Files extracted. */
  files: number;
  /** Bytes extracted. */
  bytes: number;
}

/** What a cached extraction or `deps/SOURCE.txt` must record to count as a given wheel. */
export interface WheelIdentity {
  /** Wheel file name. */
  wheel?: string;
  /** Hex sha256 of the wheel. */
  sha256?: string;
  /** pip requirement of an override without a sha256. */
  requirement?: string;
}

/**
 * The identity to look for: the pin by file name and sha256; an override by its sha256 when
 * known (`HT_TF_WHEEL_SHA256`, or `sha256` of a local file), else by its requirement.
 */
export function wheelIdentity(choice: WheelChoice, sha256?: string): WheelIdentity {
  if (choice.kind === "pinned") {
    return { wheel: PINNED_TF_WHEEL.file, sha256: PINNED_TF_WHEEL.sha256 };
  }
  if (choice.kind === "file") {
    return { wheel: basename(choice.path ?? ""), sha256: sha256 ?? choice.sha256 };
  }
  const sha = sha256 ?? choice.sha256;
  return sha ? { sha256: sha } : { requirement: choice.requirement };
}

/**
 * Whether a record (a parsed `complete.json`, or `installedTensorflowSource` of `source.ts`) has
 * every field the identity sets. A record without a sha256 (written before the pin) never matches
 * an identity with one; an empty identity matches nothing.
 */
export function matchesWheel(record: unknown, want: WheelIdentity): boolean {
  if (typeof record !== "object" || record === null) return false;
  const r = record as Record<string, unknown>;
  const keys = (["wheel", "sha256", "requirement"] as const).filter((k) => want[k] !== undefined);
  return keys.length > 0 && keys.every((k) => r[k] === want[k]);
}

/**
 * A complete cached extraction (`<cacheDir>/<stem>/complete.json`) of the wheel `want`
 * identifies ({@link matchesWheel}), or undefined.
 */
export async function findCachedLibs(
  cacheDir: string,
  want: WheelIdentity,
): Promise<{ dir: string; marker: CacheMarker } | undefined> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(cacheDir)) {
      if (entry.isDirectory && !entry.name.includes(".tmp-")) names.push(entry.name);
    }
  } catch { /* no cache yet */ }
  for (const name of names.sort()) {
    const dir = join(cacheDir, name);
    try {
      const marker = JSON.parse(await Deno.readTextFile(join(dir, "complete.json")));
      if (matchesWheel(marker, want)) return { dir, marker };
    } catch { /* incomplete, or not an extraction */ }
  }
  return undefined;
}

/** Extract the libraries and C headers of a TF wheel into a cache folder (atomically). */
export async function extractWheelLibs(
  wheel: ObtainedWheel,
  { cacheDir, log, choice }: { cacheDir: string; log: (line: string) => void; choice: WheelChoice },
): Promise<{ dir: string; marker: CacheMarker }> {
  const name = basename(wheel.path);
  const stem = name.replace(/\.whl$/i, "");
  const version = stem.split("-")[1] ?? "unknown";
  const final = join(cacheDir, stem);
  const tmp = join(cacheDir, `${stem}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  let lastPct = -1;
  const result = await extractZip(wheel.path, tmp, {
    filter: (e) => keepWheelEntry(e.name),
    onProgress: (p) => {
      const pct = Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal) / 25) * 25;
      if (pct !== lastPct) {
        lastPct = pct;
        log(`  extracting ${name}: ${pct}%`);
      }
    },
  });
  for (const lib of WHEEL_LIBS) {
    if (!await exists(join(tmp, "tensorflow", lib))) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw new SetupTfError(
        "wheel",
        `${name} has no tensorflow/${lib}`,
        `use a TensorFlow ≥ 2.x Linux wheel, or unset HT_TF_WHEEL for the pinned ${DEFAULT_WHEEL}`,
      );
    }
  }
  await Deno.mkdir(join(tmp, "lib"));
  for (const lib of WHEEL_LIBS) {
    await Deno.rename(join(tmp, "tensorflow", lib), join(tmp, "lib", lib));
  }
  await Deno.rename(join(tmp, "tensorflow", "include"), join(tmp, "include"));
  await Deno.remove(join(tmp, "tensorflow"), { recursive: true });
  const marker: CacheMarker = {
    wheel: name,
    version,
    sha256: wheel.sha256,
    ...(choice.kind === "requirement" ? { requirement: choice.requirement } : {}),
    source: choice.label,
    files: result.files,
    bytes: result.bytes,
  };
  await Deno.writeTextFile(join(tmp, "complete.json"), JSON.stringify(marker, null, 2) + "\n");
  if (await exists(final)) {
    log(`  replacing ${final} (its complete.json does not record this wheel and sha256)`);
  }
  await Deno.remove(final, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, final);
  return { dir: final, marker };
}

/** Hard-link `src` to `dst` (same file system), else copy it. */
async function linkOrCopy(src: string, dst: string): Promise<void> {
  try {
    await Deno.link(src, dst);
  } catch {
    await Deno.copyFile(src, dst);
  }
}

/** Recursively hard-link (or copy) a folder tree. */
async function linkTree(src: string, dst: string): Promise<number> {
  await Deno.mkdir(dst, { recursive: true });
  let n = 0;
  for await (const e of Deno.readDir(src)) {
    if (e.isDirectory) n += await linkTree(join(src, e.name), join(dst, e.name));
    else if (e.isFile) {
      await linkOrCopy(join(src, e.name), join(dst, e.name));
      n++;
    }
  }
  return n;
}

/**
 * Populate `deps/` from a cached wheel extraction: the two libraries under their own sonames
 * (what the built addon records as NEEDED), plus the names binding.gyp links against
 * (`-ltensorflow -ltensorflow_framework`) and the stock script checks for
 * (`libtensorflow.so.2.9.1`).
 */
export async function installWheelLibs(
  pkg: TfjsNodePackage,
  cached: { dir: string; marker: CacheMarker },
): Promise<void> {
  const deps = dirname(pkg.depsLib);
  await Deno.remove(deps, { recursive: true }).catch(() => {});
  await Deno.mkdir(pkg.depsLib, { recursive: true });
  for (const lib of WHEEL_LIBS) {
    await linkOrCopy(join(cached.dir, "lib", lib), join(pkg.depsLib, lib));
  }
  const v = pkg.libtensorflowVersion;
  const links: [string, string][] = [
    [`libtensorflow.so.${v}`, "libtensorflow_cc.so.2"],
    ["libtensorflow.so.2", `libtensorflow.so.${v}`],
    ["libtensorflow.so", "libtensorflow.so.2"],
    [`libtensorflow_framework.so.${v}`, "libtensorflow_framework.so.2"],
    ["libtensorflow_framework.so", "libtensorflow_framework.so.2"],
  ];
  for (const [name, target] of links) await Deno.symlink(target, join(pkg.depsLib, name));
  await linkTree(join(cached.dir, "include"), pkg.depsInclude);
  const m = cached.marker;
  await writeFileAtomic(
    join(deps, "SOURCE.txt"),
    formatTensorflowSource({
      route: "wheel",
      wheel: m.wheel,
      sha256: m.sha256,
      requirement: m.requirement,
      source: m.source ?? m.wheel,
    }),
  );
}

/** Whether deps/ holds a loadable-looking libtensorflow and the C API headers. */
export async function libsPresent(pkg: TfjsNodePackage): Promise<boolean> {
  return await exists(join(pkg.depsLib, `libtensorflow.so.${pkg.libtensorflowVersion}`)) &&
    await exists(join(pkg.depsLib, `libtensorflow_framework.so.${pkg.libtensorflowVersion}`)) &&
    await exists(join(pkg.depsInclude, "tensorflow", "c", "c_api.h"));
}
