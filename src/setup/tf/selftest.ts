/**
 * The check of `deno task setup:tf`: load tfjs-node and compare a matMul and a conv2d with the
 * pure-JS cpu backend within the float32 error model, in a fresh Deno process so a broken addon
 * cannot crash the installer.
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { float32ComparisonRatio } from "../../metrics/float32_error.ts";
import { run, tail } from "./run.ts";

/** One operation of {@link nativeSelfTest}: native vs cpu, against the float32 error model. */
export interface SelfTestComparison {
  /**
   * Worst |native − cpu| / bound over the output elements ({@link float32ComparisonRatio}):
   * ≤ 1 passes. Infinity when a value is NaN or the shapes differ.
   */
  ratio: number;
  /** Largest |native − cpu| (absolute), for context. */
  maxDiff: number;
  /** n: the number of summed products behind each output element. */
  terms: number;
}

/** Result of {@link nativeSelfTest}. */
export interface NativeSelfTest {
  /** TensorFlow version reported by the addon. */
  tensorflow: string;
  /** A [64×96]·[96×48] matMul (n = 96). */
  matMul: SelfTestComparison;
  /** A 3×3×3→8 conv2d, stride 2, `same` padding (n = 27). */
  conv2d: SelfTestComparison;
}

/** Whether a {@link SelfTestComparison} (possibly read back from JSON) is within the model. */
function withinModel(c: SelfTestComparison | undefined): boolean {
  return typeof c?.ratio === "number" && c.ratio <= 1;
}

/** `matMul 0.012, conv2d 0.0031 of the float32 bound`: the self-test in a log line. */
export function describeSelfTest(t: NativeSelfTest): string {
  const one = (c: SelfTestComparison) =>
    `${c.ratio.toPrecision(2)} (n = ${c.terms}, max |diff| ${c.maxDiff.toExponential(1)})`;
  return `worst |native − cpu| / float32 error bound (≤ 1 passes): matMul ${
    one(t.matMul)
  }, conv2d ${one(t.conv2d)}`;
}

/**
 * Load tfjs-node in this process, select it, and compare a matMul and a conv2d with the pure-JS
 * cpu backend, element by element against the float32 error model
 * ({@link float32ComparisonRatio}; Σ|terms| from the same operation on |inputs|, on the cpu
 * backend). Throws when the addon does not load.
 */
export async function nativeSelfTest(
  options: { gpu?: boolean } = {},
): Promise<NativeSelfTest> {
  const tf = await import("@tensorflow/tfjs");
  const { initBackend } = await import("../../models/backend.ts");
  await initBackend({ backend: options.gpu ? "gpu" : "tensorflow", log: false });
  const version = (tf.backend() as unknown as { binding: { TF_Version: string } }).binding
    .TF_Version;
  let seed = 12345;
  const rand = (n: number) =>
    Float32Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 1073741824 - 1;
    });
  const inputs = {
    a: rand(64 * 96),
    b: rand(96 * 48),
    x: rand(2 * 17 * 17 * 3),
    w: rand(3 * 3 * 3 * 8),
  };
  /** Summed products behind each element: the shared dimension; kernel height·width·channels. */
  const terms = { matMul: 96, conv2d: 3 * 3 * 3 };
  const compute = (abs: boolean) =>
    tf.tidy(() => {
      const t = <T extends Tensor>(x: T): T => abs ? tf.abs(x) : x;
      const mm = tf.matMul(t(tf.tensor2d(inputs.a, [64, 96])), t(tf.tensor2d(inputs.b, [96, 48])));
      const conv = tf.conv2d(
        t(tf.tensor4d(inputs.x, [2, 17, 17, 3])),
        t(tf.tensor4d(inputs.w, [3, 3, 3, 8])),
        2,
        "same",
      );
      return [Float32Array.from(mm.dataSync()), Float32Array.from(conv.dataSync())];
    });
  const [mmNative, convNative] = compute(false);
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const [mmCpu, convCpu] = compute(false);
  const [mmScale, convScale] = compute(true);
  await tf.setBackend("tensorflow");
  return {
    tensorflow: version,
    matMul: {
      ...float32ComparisonRatio(mmNative, mmCpu, { scale: mmScale, terms: terms.matMul }),
      terms: terms.matMul,
    },
    conv2d: {
      ...float32ComparisonRatio(convNative, convCpu, { scale: convScale, terms: terms.conv2d }),
      terms: terms.conv2d,
    },
  };
}

/**
 * Run {@link nativeSelfTest} in a fresh Deno process (a broken addon cannot crash this one).
 * With `gpu`, the GPU package is checked, with `HT_GPU_ALLOW_CPU=1` so that a machine without a
 * CUDA device checks it on TensorFlow's CPU kernels.
 */
export async function selfTestSubprocess(
  root: string,
  options: { gpu?: boolean } = {},
): Promise<{ ok: true; result: NativeSelfTest } | { ok: false; error: string }> {
  const url = new URL("./selftest.ts", import.meta.url).href;
  const code = `import { nativeSelfTest } from ${JSON.stringify(url)};\n` +
    `console.log("SELFTEST " + JSON.stringify(await nativeSelfTest(${
      JSON.stringify({ gpu: options.gpu ?? false })
    })));`;
  const r = await run(Deno.execPath(), ["eval", "--ext=ts", code], {
    cwd: root,
    env: { NO_COLOR: "1", ...(options.gpu ? { HT_GPU_ALLOW_CPU: "1" } : {}) },
    timeoutS: 300,
  });
  const line = r.out.split("\n").find((l) => l.startsWith("SELFTEST "));
  if (r.code === 0 && line) {
    // JSON has no Infinity or NaN: they come back as null, which withinModel refuses.
    const result = JSON.parse(line.slice("SELFTEST ".length)) as NativeSelfTest;
    const fix = (c: SelfTestComparison) => ({
      ratio: typeof c?.ratio === "number" ? c.ratio : Infinity,
      maxDiff: typeof c?.maxDiff === "number" ? c.maxDiff : Infinity,
      terms: c?.terms ?? 0,
    });
    const ok = withinModel(result.matMul) && withinModel(result.conv2d);
    const clean = { ...result, matMul: fix(result.matMul), conv2d: fix(result.conv2d) };
    if (ok) return { ok: true, result: clean };
    return {
      ok: false,
      error: `results differ from the cpu backend beyond the float32 error model: ${
        describeSelfTest(clean)
      }`,
    };
  }
  return { ok: false, error: r.timedOut ? "timed out" : `exit ${r.code}:\n${tail(r.out, 12)}` };
}
