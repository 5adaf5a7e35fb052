/**
 * The TensorFlow wheel of `deno task setup:tf`: the pin, the choice of wheel (`HT_TF_WHEEL`,
 * `HT_TF_WHEEL_SHA256`), `pip download` and the sha256 check before anything is extracted.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { exists } from "../../io/files.ts";
import { sha256File } from "../../io/hash.ts";
import { tfCacheDir } from "./cache_dir.ts";
import { SetupTfError } from "./error.ts";
import { run, tail, which } from "./run.ts";

/** The TensorFlow wheel whose libraries this project is tested with (see {@link PINNED_TF_WHEEL}). */
export interface PinnedWheel {
  /** pip project name. */
  project: string;
  /** Exact version. */
  version: string;
  /** The one wheel file (its libraries do not depend on the Python version). */
  file: string;
  /** Hex sha256 of that file. */
  sha256: string;
  /** `pip download --python-version`, so the result does not depend on the local Python. */
  pythonVersion: string;
  /** `pip download --implementation`. */
  implementation: string;
  /** `pip download --abi`. */
  abi: string;
  /** `pip download --platform`. */
  platform: string;
}

/**
 * The pinned wheel `deno task setup:tf` takes libtensorflow from on every machine (Linux x86_64),
 * unless `HT_TF_WHEEL` overrides it. Update version, file and sha256 together, and only to a
 * wheel the test suite passed with.
 */
export const PINNED_TF_WHEEL: Readonly<PinnedWheel> = Object.freeze({
  project: "tensorflow-cpu",
  version: "2.21.0",
  file: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  pythonVersion: "3.11",
  implementation: "cp",
  abi: "cp311",
  platform: "manylinux_2_27_x86_64",
});

/** pip requirement of the pinned wheel (`tensorflow-cpu==2.21.0`). */
export const DEFAULT_WHEEL = `${PINNED_TF_WHEEL.project}==${PINNED_TF_WHEEL.version}`;

/**
 * The wheel `deno task setup:tf --gpu` takes libtensorflow from by default: TensorFlow's CUDA
 * build (the `tensorflow` project on Linux x86_64) of the pinned version. Its sha256 is not
 * pinned: neither the pip registry this project's machines and CI reach nor anything else
 * reachable here carries that file, so no hash could be read off it (README, Backends and GPU).
 * `HT_TF_WHEEL_SHA256` checks it when set.
 */
export const GPU_WHEEL = `tensorflow==${PINNED_TF_WHEEL.version}`;

/** `--wheel pinned`: the CPU pin, also under `--gpu` (the GPU package on CPU-only machines). */
export const PINNED_KEYWORD = "pinned";

/** Which wheel `setup:tf` uses: the pin, or an `HT_TF_WHEEL` override. */
export interface WheelChoice {
  /** `pinned`: {@link PINNED_TF_WHEEL}; `requirement` / `file`: an override. */
  kind: "pinned" | "requirement" | "file";
  /** pip requirement (`pinned`, `requirement`). */
  requirement?: string;
  /** Absolute path of the local wheel (`file`). */
  path?: string;
  /** sha256 the wheel must have: the pin's, or `HT_TF_WHEEL_SHA256`; absent: not checked. */
  sha256?: string;
  /** One line for the log and `deps/SOURCE.txt`: which wheel, and whether it is the pin. */
  label: string;
}

/** Options of {@link chooseWheel}. */
export interface ChooseWheelOptions {
  /** Expected sha256 of an override (`HT_TF_WHEEL_SHA256`). */
  sha256?: string;
  /** Name of the setting shown in messages (default `HT_TF_WHEEL`). */
  name?: string;
  /** Folder a relative `.whl` path is relative to (default `$INIT_CWD`, else the cwd). */
  cwd?: string;
  /**
   * For the GPU package (`setup:tf --gpu`): without an override the default is {@link GPU_WHEEL}
   * (sha256 checked only when given), not the CPU pin.
   */
  gpu?: boolean;
}

/** `2b847d21…`: the first 8 hex digits of a sha256, for log lines. */
export function shortSha(sha256: string): string {
  return `${sha256.slice(0, 8)}…`;
}

/**
 * Decide which wheel to use from an override (`HT_TF_WHEEL`, empty or undefined: the pin, or
 * {@link GPU_WHEEL} with `options.gpu`; {@link PINNED_KEYWORD}: the pin in either case):
 * a value ending in `.whl` or holding a `/` (but no `://`) is a local wheel file, anything else
 * (`tensorflow-cpu==2.20.0`, a URL) a pip requirement. With an override the pinned sha256 does not
 * apply; `options.sha256` (`HT_TF_WHEEL_SHA256`) checks it instead. Throws {@link SetupTfError}
 * on a malformed sha256, or on a sha256 other than the pin's without an override.
 */
export function chooseWheel(
  override: string | undefined,
  options: ChooseWheelOptions = {},
): WheelChoice {
  const name = options.name ?? "HT_TF_WHEEL";
  const sha = options.sha256?.trim().toLowerCase() || undefined;
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) {
    throw new SetupTfError(
      "wheel",
      `HT_TF_WHEEL_SHA256=${options.sha256} is not a sha256 (64 hex digits)`,
      "set it to the output of `sha256sum <wheel>`, or unset it",
    );
  }
  const value = override?.trim() ?? "";
  const pin = PINNED_TF_WHEEL;
  if (value === "" && options.gpu) {
    const check = sha === undefined
      ? "sha256 not checked: not pinned, see README, Backends and GPU"
      : `sha256 must be ${shortSha(sha)} (HT_TF_WHEEL_SHA256)`;
    return {
      kind: "requirement",
      requirement: GPU_WHEEL,
      sha256: sha,
      label: `${GPU_WHEEL}, the CUDA build of the pinned version (${check})`,
    };
  }
  if (value === "" || value === PINNED_KEYWORD) {
    if (sha !== undefined && sha !== pin.sha256) {
      throw new SetupTfError(
        "wheel",
        `HT_TF_WHEEL_SHA256 is set (${shortSha(sha)}) but ${name} is not: the pinned ` +
          `${pin.file} is always checked against its own sha256 ${shortSha(pin.sha256)}`,
        "unset HT_TF_WHEEL_SHA256, or also set HT_TF_WHEEL to the wheel it belongs to",
      );
    }
    return {
      kind: "pinned",
      requirement: DEFAULT_WHEEL,
      sha256: pin.sha256,
      label: `pinned ${pin.project} ${pin.version} (${pin.file}, sha256 ${shortSha(pin.sha256)})`,
    };
  }
  const check = sha === undefined
    ? "sha256 not checked"
    : `sha256 must be ${shortSha(sha)} (HT_TF_WHEEL_SHA256)`;
  const label = `${name}=${value} (not the tested pin; ${check})`;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (!isUrl && (/\.whl$/i.test(value) || value.includes("/"))) {
    const cwd = options.cwd ?? (Deno.env.get("INIT_CWD") || Deno.cwd());
    return { kind: "file", path: resolve(cwd, value), sha256: sha, label };
  }
  return { kind: "requirement", requirement: value, sha256: sha, label };
}

/** `pip download` arguments for a wheel choice; `dest` is the download folder. */
export function pipDownloadArgs(choice: WheelChoice, dest: string): string[] {
  const base = ["download", "--no-deps", "--only-binary=:all:"];
  if (choice.kind === "pinned") {
    const pin = PINNED_TF_WHEEL;
    // One exact file whatever the local Python: the libraries do not depend on it.
    base.push(
      "--python-version",
      pin.pythonVersion,
      "--implementation",
      pin.implementation,
      "--abi",
      pin.abi,
      "--platform",
      pin.platform,
    );
  } else if (choice.kind !== "requirement" || !choice.requirement) {
    throw new Error(`pipDownloadArgs: no pip requirement in a ${choice.kind} choice`);
  }
  return [...base, "-d", dest, choice.requirement ?? DEFAULT_WHEEL];
}

/** Options of {@link verifyWheelSha256}. */
export interface VerifyWheelOptions {
  /** Delete the file on a mismatch (a download of ours: a retry downloads it again). */
  remove?: boolean;
  /** What the expected hash belongs to, for the message (default `the pinned wheel`). */
  what?: string;
  /**
   * Whether the file should be the pinned wheel, which decides the advice (default: `expected`
   * is the pin's sha256). An override is never the pin, whatever HT_TF_WHEEL_SHA256 says.
   */
  pinned?: boolean;
}

/**
 * Hash a wheel (streaming; wheels are hundreds of MB) and compare it with `expected`. Returns
 * the actual sha256; on a mismatch throws a {@link SetupTfError} naming the file and both hashes
 * and saying what to do, after deleting the file when `options.remove`.
 */
export async function verifyWheelSha256(
  path: string,
  expected: string,
  options: VerifyWheelOptions = {},
): Promise<string> {
  const actual = await sha256File(path);
  if (actual === expected.toLowerCase()) return actual;
  let fate = "left in place (not a download of setup:tf)";
  if (options.remove) {
    fate = await Deno.remove(path).then(
      () => "deleted, so a retry downloads it again",
      (e) => `could not be deleted (${(e as Error).message}): delete it by hand`,
    );
  }
  const pinned = options.pinned ?? expected.toLowerCase() === PINNED_TF_WHEEL.sha256;
  throw new SetupTfError(
    "wheel",
    `sha256 mismatch for ${path}\n` +
      `    expected ${expected} (${options.what ?? "the pinned wheel"})\n` +
      `    actual   ${actual}\n` +
      `  the file was ${fate}`,
    pinned
      ? "rerun `deno task setup:tf` (add --force when an addon is already built) to download it " +
        "again; if the mismatch repeats, your pip index, mirror or cache serves another file " +
        "(`pip config list`, `pip cache purge`). To use another wheel on purpose, set " +
        "HT_TF_WHEEL=<pip requirement or path to a .whl> (and HT_TF_WHEEL_SHA256=<its sha256> to " +
        "check it)"
      : "check that HT_TF_WHEEL and HT_TF_WHEEL_SHA256 name the same wheel (sha256sum <wheel>), " +
        "or unset both to use the pinned wheel",
  );
}

/** Download a wheel with pip into `<cacheDir>/wheels`; returns its path. */
async function pipDownload(
  choice: WheelChoice,
  { cacheDir, log, pip }: { cacheDir: string; log: (line: string) => void; pip?: string },
): Promise<string> {
  const wheels = join(cacheDir, "wheels");
  await Deno.mkdir(wheels, { recursive: true });
  const args = pipDownloadArgs(choice, wheels);
  const attempts: [string, string[]][] = [];
  if (pip) attempts.push([pip, args]);
  for (const cmd of pip ? [] : ["pip3", "pip"]) {
    const p = await which(cmd);
    if (p) attempts.push([p, args]);
  }
  for (const py of pip ? [] : ["python3", "python"]) {
    const p = await which(py);
    if (p) attempts.push([p, ["-m", "pip", ...args]]);
  }
  if (attempts.length === 0) {
    throw new SetupTfError("wheel", "pip not found", "install python3-pip (or put pip on PATH)");
  }
  const project = (choice.requirement ?? "").split(/[=<>!~ @;[]/)[0].toLowerCase()
    .replace(/[-_.]+/g, "_");
  let last = "";
  for (const [cmd, a] of attempts) {
    log(`  ${basename(cmd)} ${a.join(" ")}`);
    const r = await run(cmd, a, { timeoutS: 1800 });
    if (r.code === 0) {
      const m = /(?:Saved|File was already downloaded)\s+(\S+\.whl)/.exec(r.out);
      if (m) return resolve(m[1]);
      const pinned = choice.kind === "pinned" ? join(wheels, PINNED_TF_WHEEL.file) : undefined;
      if (pinned && await exists(pinned)) return pinned;
      for await (const e of Deno.readDir(wheels)) {
        if (project && e.name.toLowerCase().startsWith(`${project}-`) && e.name.endsWith(".whl")) {
          return join(wheels, e.name);
        }
      }
    }
    last = r.timedOut ? "timed out" : tail(r.out, 8);
    if (!/No module named pip/.test(r.out)) break; // pip ran and failed: another pip won't help
  }
  throw new SetupTfError(
    "wheel",
    `pip could not download ${choice.label}:\n${last}`,
    `check that \`pip ${args.join(" ")}\` works (pip index / network)` +
      (choice.kind === "pinned"
        ? ", or set HT_TF_WHEEL to another requirement or a local .whl whose wheel has " +
          "tensorflow/libtensorflow_cc.so.2"
        : ", or unset HT_TF_WHEEL to use the pinned wheel"),
  );
}

/** A wheel on disk, checked where a sha256 was expected. */
export interface ObtainedWheel {
  /** Path of the wheel file. */
  path: string;
  /** Its hex sha256. */
  sha256: string;
  /** Whether setup:tf downloaded it (and may delete it after extraction). */
  downloaded: boolean;
}

/** Options of {@link obtainWheel}. */
export interface ObtainWheelOptions {
  /** Cache folder; downloads go to its `wheels/` (default {@link tfCacheDir}). */
  cacheDir?: string;
  /** Progress lines (default none). */
  log?: (line: string) => void;
  /** pip executable to run (default: pip3, pip, python3 -m pip, python -m pip on PATH). */
  pip?: string;
}

/**
 * Get the chosen wheel onto disk and hash it (streaming) before anything is extracted: a local
 * override as it is, otherwise `pip download` ({@link pipDownloadArgs}). A wheel whose sha256
 * differs from the expected one ({@link WheelChoice.sha256}) is refused by
 * {@link verifyWheelSha256}; a download of ours is deleted first, a local file is left alone.
 */
export async function obtainWheel(
  choice: WheelChoice,
  options: ObtainWheelOptions = {},
): Promise<ObtainedWheel> {
  const log = options.log ?? (() => {});
  const pinned = choice.kind === "pinned";
  const what = pinned ? `the pinned ${DEFAULT_WHEEL}` : "HT_TF_WHEEL_SHA256";
  if (choice.kind === "file") {
    const path = choice.path ?? "";
    const info = await Deno.stat(path).catch(() => undefined);
    if (!info?.isFile) {
      throw new SetupTfError(
        "wheel",
        `HT_TF_WHEEL=${path}: no such file`,
        "point HT_TF_WHEEL at an existing .whl file or a pip requirement, or unset it to use " +
          "the pinned wheel",
      );
    }
    const sha256 = choice.sha256
      ? await verifyWheelSha256(path, choice.sha256, { remove: false, what, pinned })
      : await sha256File(path);
    return { path, sha256, downloaded: false };
  }
  const cacheDir = options.cacheDir ?? tfCacheDir();
  await Deno.mkdir(cacheDir, { recursive: true });
  const path = await pipDownload(choice, { cacheDir, log, pip: options.pip });
  const sha256 = choice.sha256
    ? await verifyWheelSha256(path, choice.sha256, { remove: true, what, pinned })
    : await sha256File(path);
  return { path, sha256, downloaded: true };
}
