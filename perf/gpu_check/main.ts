/**
 * The device check of the WebGPU route (`--backend webgpu`): run by `perf/gpu_check.sh` as one
 * bundled program (`deno bundle`) next to a carried Deno, on a lent GPU machine without network,
 * or here on Mesa's software Vulkan device (`--local`). See `docs/gpu_check.md`.
 *
 * The main process (`run`) never touches WebGPU itself; it starts child processes of this same
 * program, each with a deadline, and writes `gpu_check.json` after every phase, so a crash or a
 * hang still leaves a report:
 *
 * - `probe`: one WebGPU adapter request (once as the environment is, and once more with
 *   `VK_DRIVER_FILES` pointing at an NVIDIA ICD file when the first finds no hardware adapter);
 * - `webgpu`: the op and gradient checks of `tests/models/_webgpu_ops.ts` (webgpu against cpu),
 *   MobileNetV2-0.35's features and full-network gradients (webgpu against cpu, batch 2), then
 *   forward and training throughput at batch 32, 224 px;
 * - `cpu`: the same throughput on the best CPU backends the bundle carries (forward on wasm with
 *   SIMD, one thread — all tfjs-backend-wasm does under Deno; training on the pure-JS cpu
 *   backend, as the pipeline does when it runs on wasm: wasm has no convolution filter
 *   gradients);
 * - `cpu-par`: one `cpu` workload per CPU core at once, in a common time window, summed: the
 *   machine's whole-CPU throughput of those single-threaded backends.
 *
 * Usage: `deno run -A gpu_check.js run --repo DIR --out DIR --assets DIR [--local]
 * [--budget SECONDS]`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  type AdapterReport,
  firstLine,
  gradientDiffs,
  maxRelDiff,
  opDiffs,
  probeAdapter,
  strideGradientDiffs,
} from "./checks.ts";
import { installCompositeGradients } from "./grads.ts";
import {
  type CheckModel,
  CLASSES,
  flatGradients,
  folded,
  forwardStep,
  hostLabels,
  hostUniform,
  loadCheckModel,
  SIZE,
  type Throughput,
  timeSteps,
  trainStep,
} from "./model.ts";

/** Tolerance of the op and gradient checks (as tests/models/webgpu_test.ts). */
const OP_TOL = 1e-4;
/** Tolerance of the whole-network features and gradients (53 layers of float32 sums). */
const MODEL_TOL = 1e-3;
/** Images per step of the throughput workloads. */
const BATCH = 32;
/** Micro-batch of whole-network training on wasm (batch 32 needs more than its 4 GiB heap). */
const WASM_MICRO = 16;

type Json = Record<string, unknown>;

const args = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    repo: { type: "string", default: Deno.cwd() },
    out: { type: "string" },
    assets: { type: "string" },
    result: { type: "string" },
    local: { type: "boolean", default: false },
    budget: { type: "string" },
    deadline: { type: "string" },
    schedule: { type: "string" },
  },
});
const mode = args.positionals[0] ?? "run";
const repo = args.values.repo!;
const deadline = Number(args.values.deadline ?? Infinity);

/** JSON with non-finite numbers as strings. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    2,
  );
}

/** Seconds since `t0` (ms), rounded to 0.01 s. */
function since(t0: number): number {
  return Math.round((performance.now() - t0) / 10) / 100;
}

/** A progress line on stderr. */
function say(line: string): void {
  console.error(`[gpu_check ${mode}] ${line}`);
}

/** Write a child's partial result. */
function save(result: Json): void {
  if (args.values.result) Deno.writeTextFileSync(args.values.result, toJson(result));
}

/** Run `f`, storing its value (or its error) under `key` of `result`, then save. */
async function stage(result: Json, key: string, f: () => Promise<unknown>): Promise<void> {
  if (Date.now() > deadline) {
    result[key] = { skipped: "deadline reached" };
    save(result);
    return;
  }
  const t0 = performance.now();
  say(`${key}…`);
  try {
    result[key] = await f();
  } catch (error) {
    result[key] = { error: firstLine(error) };
    ((result.errors ??= []) as string[]).push(`${key}: ${firstLine(error)}`);
  }
  say(`${key}: ${since(t0)} s`);
  save(result);
}

/** Point tfjs-backend-wasm at the carried `.wasm` files (its Node build reads `__dirname`). */
function useWasmAssets(): void {
  const dir = (args.values.assets ?? ".").replace(/\/$/, "");
  (globalThis as unknown as { __dirname: string }).__dirname = dir;
  setWasmPaths(`${dir}/`);
}

/** Activate a tfjs backend or throw. */
async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
  if (name === "cpu") (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

/** Forward throughput of the layers model and of the folded model. */
async function forwards(m: CheckModel, result: Json): Promise<void> {
  const pixels = hostUniform(BATCH * SIZE * SIZE * 3, 21);
  await stage(
    result,
    "forward_layers",
    () =>
      timeSteps(forwardStep((x) => m.features.predict(x) as tf.Tensor, pixels, BATCH), {
        batch: BATCH,
        maxSeconds: 8,
        deadline,
      }),
  );
  await stage(result, "forward_folded", async () => {
    const f = folded(m.features);
    try {
      return await timeSteps(forwardStep((x) => f.predict(x), pixels, BATCH), {
        batch: BATCH,
        maxSeconds: 8,
        deadline,
      });
    } finally {
      f.dispose();
    }
  });
}

/** Training throughput of the top (from trunk activations) and of the whole network. */
async function trainings(
  m: CheckModel,
  result: Json,
  options: { fullSteps: number; micro?: number },
): Promise<void> {
  await stage(result, "train_top", async () => {
    const acts = hostUniform(BATCH * 7 * 7 * 56, 31, 0, 2);
    const t = trainStep(m.top, m.head, acts, hostLabels(BATCH, 32), [BATCH, 7, 7, 56]);
    try {
      return await timeSteps(t.step, { batch: BATCH, maxSeconds: 8, deadline });
    } finally {
      t.dispose();
    }
  });
  await stage(result, "train_full", async () => {
    const t = fullTrainStep(m, options.micro);
    try {
      const r = await timeSteps(t.step, {
        batch: BATCH,
        maxSteps: options.fullSteps,
        maxSeconds: 10,
        deadline,
      });
      return options.micro ? { ...r, micro_batch: options.micro } : r;
    } finally {
      t.dispose();
    }
  });
}

/** A training step of the whole network at {@link BATCH} (in micro-batches of `micro`). */
function fullTrainStep(
  m: CheckModel,
  micro?: number,
): { step: () => Promise<number>; dispose: () => void } {
  const pixels = hostUniform(BATCH * SIZE * SIZE * 3, 41);
  return trainStep(
    m.features,
    m.head,
    pixels,
    hostLabels(BATCH, 42),
    [BATCH, SIZE, SIZE, 3],
    micro,
  );
}

/** `webgpu` child: correctness against cpu, then throughput on webgpu. */
async function webgpuChild(): Promise<void> {
  const result: Json = { pid: Deno.pid };
  await stage(result, "init", async () => {
    await activate("webgpu");
    const b = tf.backend() as unknown as { adapterInfo?: Json; supportTimestampQuery?: boolean };
    return {
      backend: tf.getBackend(),
      tfjs: tf.version_core,
      adapter_info: b.adapterInfo ? { ...b.adapterInfo } : null,
      timestamp_query: b.supportTimestampQuery ?? null,
    };
  });
  if ((result.init as Json).error) return save(result);
  await stage(result, "ops", async () => {
    const diffs = await opDiffs();
    return { tolerance: OP_TOL, pass: Object.values(diffs).every((d) => d < OP_TOL), diffs };
  });
  await stage(result, "gradients", async () => {
    const diffs = await gradientDiffs();
    return { tolerance: OP_TOL, pass: Object.values(diffs).every((d) => d < OP_TOL), diffs };
  });
  await stage(result, "stride_gradients", async () => {
    const diffs = await strideGradientDiffs();
    return { tolerance: OP_TOL, pass: Object.values(diffs).every((d) => d < OP_TOL), diffs };
  });
  let m: CheckModel | undefined;
  await stage(result, "model", async () => {
    m = await loadCheckModel(repo);
    return { name: "mobilenet_v2_035 (224 px)", params: m.params, classes: CLASSES };
  });
  if (!m) return save(result);
  const model = m;
  await stage(result, "model_match", async () => {
    const n = 1;
    const x = hostUniform(n * SIZE * SIZE * 3, 51);
    const y = hostLabels(n, 52);
    const shape = [n, SIZE, SIZE, 3];
    const gpu = await flatGradients(model.features, model.head, x, y, shape);
    // a second copy on cpu: moving webgpu tensors to another backend reads them synchronously,
    // which tfjs-backend-webgpu does through an OffscreenCanvas, and Deno has none
    await activate("cpu");
    const copy = await loadCheckModel(repo);
    const cpu = await flatGradients(copy.features, copy.head, x, y, shape);
    await activate("webgpu");
    const features = maxRelDiff(gpu.features, cpu.features);
    const grads = maxRelDiff(gpu.grads, cpu.grads);
    const loss = Math.abs(gpu.loss - cpu.loss) / (1 + Math.abs(cpu.loss));
    return {
      batch: n,
      tolerance: MODEL_TOL,
      pass: features < MODEL_TOL && grads < MODEL_TOL && loss < MODEL_TOL,
      features_max_rel_diff: features,
      gradients_max_rel_diff: grads,
      gradient_values: gpu.grads.length,
      loss_rel_diff: loss,
      loss_webgpu: gpu.loss,
      loss_cpu: cpu.loss,
    };
  });
  await forwards(model, result);
  await trainings(model, result, { fullSteps: 10 });
  save(result);
}

/** `cpu` child: forward and training on wasm, with the composite gradient kernels. */
async function cpuChild(): Promise<void> {
  const result: Json = { pid: Deno.pid };
  useWasmAssets();
  await stage(result, "init", async () => {
    await activate("wasm");
    return {
      backend: tf.getBackend(),
      tfjs: tf.version_core,
      wasm_simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
      wasm_threads: getThreadsCount(),
      composite_gradient_kernels: installCompositeGradients("wasm"),
    };
  });
  if ((result.init as Json).error) return save(result);
  await stage(result, "gradients", async () => {
    const diffs = { ...await gradientDiffs("wasm"), ...await strideGradientDiffs("wasm") };
    await activate("wasm");
    return { tolerance: OP_TOL, pass: Object.values(diffs).every((d) => d < OP_TOL), diffs };
  });
  let m: CheckModel | undefined;
  await stage(result, "model", async () => {
    m = await loadCheckModel(repo);
    return { params: m.params };
  });
  if (!m) return save(result);
  await forwards(m, result);
  await trainings(m, result, { fullSteps: 5, micro: WASM_MICRO });
  save(result);
}

/** Wait until `Date.now()` reaches `t`. */
async function until(t: number): Promise<void> {
  const wait = t - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** Steps of `step` that complete inside the window [start, end) (ms since the epoch). */
async function windowed(
  step: () => Promise<unknown>,
  start: number,
  end: number,
): Promise<Json> {
  await step(); // warm-up
  const late = Date.now() > start;
  await until(start);
  const t0 = Date.now();
  let steps = 0;
  let last = t0;
  while (Date.now() < end) {
    await step();
    if (Date.now() > end && steps > 0) break;
    steps++;
    last = Date.now();
  }
  const seconds = (last - t0) / 1000;
  return {
    steps,
    seconds,
    images_per_s: steps > 0 ? (steps * BATCH) / seconds : 0,
    started_late: late,
    backend: tf.getBackend(),
  };
}

/** A workload of the whole-CPU measurement and its time window (ms since the epoch). */
interface Slot {
  name: "forward_folded" | "train_top" | "train_full";
  start: number;
  end: number;
}

/** `cpu-par` child: one process of the whole-CPU measurement (wasm, composite gradients). */
async function cpuParChild(): Promise<void> {
  const result: Json = { pid: Deno.pid };
  useWasmAssets();
  const slots = JSON.parse(args.values.schedule ?? "[]") as Slot[];
  await activate("wasm");
  installCompositeGradients("wasm");
  const m = await loadCheckModel(repo);
  for (const slot of slots) {
    await stage(result, slot.name, async () => {
      if (slot.name === "forward_folded") {
        const f = folded(m.features);
        const pixels = hostUniform(BATCH * SIZE * SIZE * 3, 21);
        try {
          return await windowed(
            forwardStep((x) => f.predict(x), pixels, BATCH),
            slot.start,
            slot.end,
          );
        } finally {
          f.dispose();
        }
      }
      const t = slot.name === "train_top"
        ? trainStep(
          m.top,
          m.head,
          hostUniform(BATCH * 7 * 7 * 56, 31, 0, 2),
          hostLabels(BATCH, 32),
          [
            BATCH,
            7,
            7,
            56,
          ],
        )
        : fullTrainStep(m, WASM_MICRO);
      try {
        return await windowed(t.step, slot.start, slot.end);
      } finally {
        t.dispose();
      }
    });
  }
}

/** A child process of this program: its result file, exit and output. */
interface ChildRun {
  result: Json | null;
  code: number | null;
  killed: boolean;
  seconds: number;
  stdout: string;
  stderr: string;
}

const self = fileURLToPath(import.meta.url);
let tmp = "";
let logText = "";

/** Run this program in `childMode` with a hard time limit; its output goes to the log. */
async function child(
  childMode: string,
  extra: string[],
  options: { env?: Record<string, string>; limitS: number; tag?: string },
): Promise<ChildRun> {
  const tag = options.tag ?? childMode;
  const resultPath = `${tmp}/${tag}.json`;
  const t0 = performance.now();
  const flags = self.endsWith(".js") ? ["--no-config", "--no-lock"] : [];
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...flags,
      "--v8-flags=--max-old-space-size=8192",
      self,
      childMode,
      "--repo",
      repo,
      "--result",
      resultPath,
      "--deadline",
      String(Date.now() + options.limitS * 1000 - 5000),
      ...(args.values.assets ? ["--assets", args.values.assets] : []),
      ...extra,
    ],
    env: options.env ?? {},
    stdout: "piped",
    stderr: "piped",
  });
  const proc = cmd.spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try {
      proc.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.limitS * 1000);
  const out = await proc.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  const run: ChildRun = {
    result: null,
    code: out.code,
    killed,
    seconds: since(t0),
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
  try {
    run.result = JSON.parse(Deno.readTextFileSync(resultPath));
  } catch { /* none written */ }
  logText += `\n===== ${tag} (${JSON.stringify(options.env ?? {})}) exit ${out.code}` +
    `${killed ? " KILLED at the time limit" : ""}, ${run.seconds} s =====\n` +
    `--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}\n`;
  return run;
}

/** Output of a command, or why it failed. */
async function command(cmd: string, cmdArgs: string[]): Promise<Json> {
  try {
    const out = await new Deno.Command(cmd, { args: cmdArgs, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return {
      ok: out.success,
      code: out.code,
      output: (dec.decode(out.stdout) + dec.decode(out.stderr)).trim(),
    };
  } catch (error) {
    return { ok: false, error: firstLine(error) };
  }
}

/** Whether a path exists. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The first line of /proc/cpuinfo's `model name`, if any. */
function cpuModel(): string | undefined {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1];
  } catch {
    return undefined;
  }
}

const ICD_DIRS = [
  "/usr/local/nvidia/share/vulkan/icd.d",
  "/etc/vulkan/icd.d",
  "/usr/share/vulkan/icd.d",
  "/usr/local/share/vulkan/icd.d",
];

/** ICD manifest files in the standard folders and the NVIDIA container folder. */
function icdFiles(): string[] {
  const files: string[] = [];
  for (const dir of ICD_DIRS) {
    try {
      for (const e of Deno.readDirSync(dir)) files.push(`${dir}/${e.name}`);
    } catch { /* no such folder */ }
  }
  return files.sort();
}

/** Throughput of a workload in a child result, if measured. */
function ips(r: Json | undefined | null, key: string): number | undefined {
  const v = (r?.[key] as Throughput | undefined)?.images_per_s;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** The orchestrating main process. */
async function main(): Promise<void> {
  const t0 = performance.now();
  tmp = Deno.makeTempDirSync({ prefix: "ht-gpucheck-" });
  const budgetS = Number(args.values.budget ?? (args.values.local ? 1500 : 480));
  const end = Date.now() + budgetS * 1000;
  const outDir = args.values.out ?? Deno.env.get("OUT") ?? "gpu_check_out";
  Deno.mkdirSync(outDir, { recursive: true });
  const report: Json = {
    schema: "ht-gpu-check/1",
    mode: args.values.local ? "local" : "device",
    started: new Date().toISOString(),
    budget_s: budgetS,
    errors: [] as string[],
  };
  const errors = report.errors as string[];
  const timings: Record<string, number> = {};
  report.timings = timings;
  const unpack = Number(Deno.env.get("HT_GC_UNPACK_S"));
  if (Number.isFinite(unpack)) timings.unpack_deno_s = unpack;
  const write = () => {
    timings.total_s = since(t0);
    report.finished = new Date().toISOString();
    Deno.writeTextFileSync(`${outDir}/gpu_check.json`, toJson(report) + "\n");
    Deno.writeTextFileSync(`${outDir}/gpu_check.log`, logText);
  };
  const left = () => (end - Date.now()) / 1000;
  try {
    // --- the machine
    const mem = Deno.systemMemoryInfo();
    report.host = {
      hostname: Deno.hostname(),
      os: `${Deno.build.os} ${Deno.osRelease()}`,
      arch: Deno.build.arch,
      cpu: cpuModel(),
      cpus: navigator.hardwareConcurrency,
      memory_gib: Math.round(mem.total / 2 ** 30),
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      tfjs: tf.version_core,
    };
    report.nvidia_smi = await command("nvidia-smi", ["-L"]);
    report.nvidia_smi_query = await command("nvidia-smi", [
      "--query-gpu=name,driver_version,memory.total,memory.used,utilization.gpu",
      "--format=csv,noheader",
    ]);
    let ldconfig = await command("/sbin/ldconfig", ["-p"]);
    if (!ldconfig.ok) ldconfig = await command("ldconfig", ["-p"]);
    const systemLoader = String(ldconfig.output ?? "").split("\n")
      .find((l) => /libvulkan\.so\.1\b/.test(l))?.trim();
    const carried = args.values.assets ? `${args.values.assets}/lib` : undefined;
    const carriedLoader = carried && exists(`${carried}/libvulkan.so.1`) ? carried : undefined;
    const useCarried = !systemLoader && carriedLoader !== undefined;
    const baseEnv: Record<string, string> = {};
    if (useCarried) {
      baseEnv.LD_LIBRARY_PATH = [carriedLoader, Deno.env.get("LD_LIBRARY_PATH")]
        .filter((s) => s).join(":");
    }
    const icds = icdFiles();
    report.vulkan = {
      system_loader: systemLoader ?? null,
      loader_missing: !systemLoader,
      carried_loader_used: useCarried
        ? `${carriedLoader}/libvulkan.so.1 (Debian 12 libvulkan1)`
        : null,
      icd_files: icds,
      dev_nodes: ["/dev/nvidia0", "/dev/nvidiactl", "/dev/dri/renderD128"].filter(exists),
      env: Object.fromEntries(
        ["VK_DRIVER_FILES", "VK_ICD_FILENAMES", "LD_LIBRARY_PATH", "NVIDIA_DRIVER_CAPABILITIES"]
          .map((k) => [k, Deno.env.get(k) ?? null]),
      ),
    };
    if (!systemLoader) {
      errors.push(
        `no system Vulkan loader (libvulkan.so.1 not in ldconfig -p)${
          useCarried ? "; using the carried one" : " and none carried"
        }`,
      );
    }
    write();

    // --- adapters
    let t = performance.now();
    const attempts: Json[] = [];
    report.adapter_attempts = attempts;
    const probe = async (label: string, env: Record<string, string>) => {
      const r = await child("probe", [], { env, limitS: 60, tag: `probe_${attempts.length}` });
      const line = r.stdout.trim().split("\n").pop() ?? "";
      let adapter: AdapterReport | null = null;
      try {
        adapter = JSON.parse(line);
      } catch { /* no JSON line */ }
      const entry: Json = {
        attempt: label,
        env,
        ...(adapter ?? {
          usable: false,
          detail: `probe process failed (exit ${r.code}${r.killed ? ", killed" : ""}): ` +
            firstLine(r.stderr.trim().split("\n").slice(-3).join(" ")),
        }),
      };
      attempts.push(entry);
      return entry;
    };
    const first = await probe("default environment", baseEnv);
    let chosen: Json | undefined = first.usable ? first : undefined;
    const nvidiaIcd = icds.find((f) => /nvidia/i.test(f));
    // also when the first found a GPU: the NVIDIA container folder is not on the loader's
    // default search path, and both answers are worth having
    if (!first.usable || first.software || nvidiaIcd?.startsWith("/usr/local/nvidia/")) {
      if (nvidiaIcd) {
        const second = await probe("VK_DRIVER_FILES", { ...baseEnv, VK_DRIVER_FILES: nvidiaIcd });
        if (second.usable && (!chosen || !second.software)) chosen = second;
      } else {
        attempts.push({ attempt: "VK_DRIVER_FILES", skipped: "no nvidia_icd.json found" });
      }
    }
    report.adapter = chosen ?? null;
    timings.probe_s = since(t);
    if (!chosen) errors.push("no usable WebGPU adapter: the webgpu phase is skipped");
    else if (chosen.software) errors.push(`the adapter is software: ${chosen.detail}`);
    write();

    // --- webgpu
    let gpu: Json | null = null;
    if (chosen) {
      t = performance.now();
      const limit = Math.max(30, Math.min(left() * (args.values.local ? 0.6 : 0.5), 900));
      const r = await child("webgpu", [], {
        env: chosen.env as Record<string, string>,
        limitS: limit,
      });
      gpu = r.result;
      report.webgpu = {
        ...(gpu ?? {}),
        exit: r.code,
        killed: r.killed,
        limit_s: Math.round(limit),
      };
      if (r.code !== 0) {
        errors.push(`webgpu child exit ${r.code}${r.killed ? " (time limit)" : ""}`);
      }
      for (const e of (gpu?.errors as string[] | undefined) ?? []) errors.push(`webgpu ${e}`);
      timings.webgpu_s = since(t);
      write();
    }

    // --- cpu, one process
    t = performance.now();
    const cpuLimit = Math.max(30, Math.min(left() - 70, 400));
    const c = await child("cpu", [], { env: {}, limitS: cpuLimit });
    const cpu = c.result;
    report.cpu = { ...(cpu ?? {}), exit: c.code, killed: c.killed, limit_s: Math.round(cpuLimit) };
    if (c.code !== 0) errors.push(`cpu child exit ${c.code}${c.killed ? " (time limit)" : ""}`);
    for (const e of (cpu?.errors as string[] | undefined) ?? []) errors.push(`cpu ${e}`);
    timings.cpu_s = since(t);
    write();

    // --- cpu, one process per core, in common time windows
    t = performance.now();
    // one process per core, at most 16, and 3 GiB of free memory each (wasm heaps reach 2.5 GiB)
    const freeGiB = Deno.systemMemoryInfo().available / 2 ** 30;
    const k = Math.max(1, Math.min(navigator.hardwareConcurrency, 16, Math.floor(freeGiB / 3)));
    const loadS = ((cpu?.model as Json | undefined)?.seconds as number | undefined) ?? 2;
    const names = ["forward_folded", "train_top", "train_full"] as const;
    const plan: Slot[] = [];
    let at = Date.now() + (8 + 3 * loadS) * 1000;
    let previousStep = 0;
    for (const name of names) {
      const m = cpu?.[name] as Throughput | undefined;
      if (!m || typeof m.images_per_s !== "number") continue;
      const step = m.batch / m.images_per_s;
      at += (2 + 1.5 * (m.warmup_s + step + previousStep)) * 1000;
      // long enough for 2.5 steps, or for one (and a margin) where a step is long
      const windowS = step < 4 ? Math.max(8, 2.5 * step) : 1.3 * step + 3;
      plan.push({ name, start: Math.round(at), end: Math.round(at + windowS * 1000) });
      at += windowS * 1000;
      previousStep = step;
    }
    const needed = (at - Date.now()) / 1000 + 20;
    if (plan.length === 0) {
      report.cpu_parallel = { skipped: "the one-process cpu run measured nothing" };
    } else if (left() < needed) {
      report.cpu_parallel = {
        skipped: `needs ${Math.round(needed)} s, ${Math.round(left())} left`,
      };
    } else {
      const runs = await Promise.all(
        Array.from({ length: k }, (_, i) =>
          child("cpu-par", ["--schedule", JSON.stringify(plan)], {
            env: {},
            limitS: needed,
            tag: `cpu_par_${i}`,
          })),
      );
      const slotReport = (name: string) => {
        const parts = runs.map((r) => r.result?.[name] as Json | undefined);
        return {
          images_per_s: parts.reduce(
            (s, p) => s + (typeof p?.images_per_s === "number" ? p.images_per_s : 0),
            0,
          ),
          processes_measured: parts.filter((p) => (p?.steps as number) > 0).length,
          late_starts: parts.filter((p) => p?.started_late).length,
          window_s: Math.round(
            ((plan.find((p) => p.name === name)?.end ?? 0) -
              (plan.find((p) => p.name === name)?.start ?? 0)) / 1000,
          ),
        };
      };
      report.cpu_parallel = {
        processes: k,
        backend: "wasm (SIMD, 1 thread each) + composite gradient kernels; train_full in " +
          `micro-batches of ${WASM_MICRO}`,
        ...Object.fromEntries(plan.map((p) => [p.name, slotReport(p.name)])),
        failed: runs.filter((r) => r.code !== 0).length,
        per_process: runs.map((r) => r.result),
      };
    }
    timings.cpu_parallel_s = since(t);

    // --- ratios
    const par = report.cpu_parallel as Json;
    const ratio = (g?: number, c?: number) =>
      g !== undefined && c !== undefined ? Math.round((g / c) * 100) / 100 : null;
    report.summary = {
      adapter: chosen ? `${chosen.detail}${chosen.software ? " (software)" : ""}` : null,
      ops_pass: (gpu?.ops as Json | undefined)?.pass ?? null,
      gradients_pass: (gpu?.gradients as Json | undefined)?.pass ?? null,
      stride_gradients_pass: (gpu?.stride_gradients as Json | undefined)?.pass ?? null,
      model_match_pass: (gpu?.model_match as Json | undefined)?.pass ?? null,
      cpu_backend: "wasm (SIMD, 1 thread per process) with composite conv gradient kernels " +
        "(perf/gpu_check/grads.ts)",
      cpu_gradients_pass: (cpu?.gradients as Json | undefined)?.pass ?? null,
      images_per_s: Object.fromEntries(
        ["forward_layers", "forward_folded", "train_top", "train_full"].map((key) => [
          key,
          { webgpu: ips(gpu, key) ?? null, cpu_1_process: ips(cpu, key) ?? null },
        ]),
      ),
      gpu_over_cpu_1_process: Object.fromEntries(
        ["forward_layers", "forward_folded", "train_top", "train_full"].map((
          key,
        ) => [key, ratio(ips(gpu, key), ips(cpu, key))]),
      ),
      gpu_over_cpu_all_cores: Object.fromEntries(
        names.map((key) => [
          key,
          ratio(
            ips(gpu, key),
            ((par[key] as Json | undefined)?.images_per_s as number) || undefined,
          ),
        ]),
      ),
      cpu_all_cores_images_per_s: Object.fromEntries(
        names.map((key) => [key, (par[key] as Json | undefined)?.images_per_s ?? null]),
      ),
    };
  } catch (error) {
    errors.push(`main: ${firstLine(error)}`);
  } finally {
    write();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  say(`wrote ${outDir}/gpu_check.json (${since(t0)} s)`);
  console.log(toJson(report.summary ?? report));
}

if (mode === "probe") {
  console.log(JSON.stringify(await probeAdapter()));
} else if (mode === "webgpu") {
  await webgpuChild();
} else if (mode === "cpu") {
  await cpuChild();
} else if (mode === "cpu-par") {
  await cpuParChild();
} else if (mode === "run") {
  await main();
} else {
  console.error(`unknown mode ${mode}: one of run, probe, webgpu, cpu, cpu-par`);
  Deno.exit(2);
}
Deno.exit(0);
