/**
 * Run a Python snippet with Debian's numpy/scipy/scikit-learn/POT (installed by `.ci/run`) to
 * cross-check the project's numbers on the same inputs.
 *
 * Inputs are passed as raw little-endian binary files; inside the script, `inp` is a dict of
 * numpy arrays (name → array, reshaped to the given shape) and `out(obj)` prints the result as
 * JSON (numpy scalars and arrays converted).
 */
import { join } from "node:path";

/** A typed array with an optional shape, handed to Python as a numpy array. */
export interface PyArray {
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
  shape?: number[];
}

/** The interpreter used: Debian's `/usr/bin/python3` when present, else `python3` on PATH. */
export function pythonBin(): string {
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

const DTYPE: Record<string, string> = {
  Float64Array: "<f8",
  Float32Array: "<f4",
  Int32Array: "<i4",
  Uint8Array: "u1",
};

/** Run `script` with `inp` and `out` defined; returns the parsed JSON that `out` printed. */
export async function runPython<T = unknown>(
  script: string,
  inputs: Record<string, PyArray> = {},
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "ht-py-" });
  try {
    const specs: Record<string, { path: string; dtype: string; shape: number[] }> = {};
    for (const [name, array] of Object.entries(inputs)) {
      const path = join(dir, `${name}.bin`);
      await Deno.writeFile(
        path,
        new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength),
      );
      specs[name] = {
        path,
        dtype: DTYPE[array.data.constructor.name],
        shape: array.shape ?? [array.data.length],
      };
    }
    const prelude = `
import json, sys
import numpy as np
_specs = json.loads(${JSON.stringify(JSON.stringify(specs))})
inp = {k: np.fromfile(v["path"], dtype=v["dtype"]).reshape(v["shape"]) for k, v in _specs.items()}
def _conv(o):
    if isinstance(o, np.ndarray): return o.tolist()
    if isinstance(o, (np.floating,)): return float(o)
    if isinstance(o, (np.integer,)): return int(o)
    if isinstance(o, (np.bool_,)): return bool(o)
    raise TypeError(type(o))
def out(obj):
    print("@@RESULT@@" + json.dumps(obj, default=_conv))
`;
    const scriptPath = join(dir, "script.py");
    await Deno.writeTextFile(scriptPath, prelude + "\n" + script);
    const result = await new Deno.Command(pythonBin(), {
      args: [scriptPath],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const stdout = new TextDecoder().decode(result.stdout);
    const stderr = new TextDecoder().decode(result.stderr);
    if (!result.success) {
      throw new Error(
        `python cross-check failed (${pythonBin()}; install python3-scipy python3-sklearn python3-pot with apt-get):\n${stderr}`,
      );
    }
    const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
    if (!line) throw new Error(`python script printed no result:\n${stdout}\n${stderr}`);
    return JSON.parse(line.slice("@@RESULT@@".length)) as T;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
