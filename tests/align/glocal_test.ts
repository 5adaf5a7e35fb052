import { strict as assert } from "node:assert";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { applyGlocal, fitGlocal, glocalLoss, tripletAccuracy } from "../../src/align/glocal.ts";
import { readGlocalTransform } from "../../src/io/npz.ts";
import type { Matrix, Triplets } from "../../src/metrics/types.ts";
import { initBackend } from "../../src/models/backend.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import type { Rng } from "../../src/stats/random.ts";
import { maxRelDiff } from "../_helpers/numeric.ts";
import { runPython } from "../_helpers/python.ts";
import { randomMatrix } from "../_helpers/random.ts";
import { withSeed } from "../_helpers/seed.ts";

await initBackend({ backend: "auto", log: false });

/** Triplets labelled by the dot products of hidden vectors z (kept pair = most similar). */
function tripletsFrom(z: Matrix, rng: Rng, n: number): Triplets {
  const d = z.cols;
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += z.data[i * d + k] * z.data[j * d + k];
    return s;
  };
  const a: number[] = [], b: number[] = [], odd: number[] = [];
  while (a.length < n) {
    const i = rng.int(z.rows), j = rng.int(z.rows), k = rng.int(z.rows);
    if (i === j || i === k || j === k) continue;
    const [ij, ik, jk] = [dot(i, j), dot(i, k), dot(j, k)];
    if (ij >= ik && ij >= jk) a.push(i), b.push(j), odd.push(k);
    else if (ik >= jk) a.push(i), b.push(k), odd.push(j);
    else a.push(j), b.push(k), odd.push(i);
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), odd: Int32Array.from(odd), n };
}

Deno.test("applyGlocal: the published ResNet-18 transform equals numpy's ((x − mean)/std)·W + b", async () => {
  const path = join(REPO_ROOT, "data/embedded/things/glocal/resnet18_avgpool_transform.npz");
  const t = await readGlocalTransform(path);
  await withSeed("glocal apply", async (rng) => {
    const x = randomMatrix(rng, 7, t.dim);
    const got = applyGlocal(t, x);
    const want = await runPython<number[][]>(
      `z = np.load(${JSON.stringify(path)})
out((inp["x"] - z["mean"]) / z["std"] @ z["weights"] + z["bias"])`,
      { x: { data: x.data, shape: [7, t.dim] } },
    );
    assert.ok(maxRelDiff(got.data, want.flat()) < 1e-10);
  });
});

Deno.test("fitGlocal: learns a hidden linear map of the human choices (validation accuracy rises)", async () => {
  await withSeed("glocal fit", (rng) => {
    const n = 60, d = 8;
    const x = randomMatrix(rng, n, d);
    const hidden = randomMatrix(rng, d, d);
    const z: Matrix = { data: new Float64Array(n * d), rows: n, cols: d };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += x.data[i * d + k] * hidden.data[k * d + j];
        z.data[i * d + j] = s;
      }
    }
    const train = tripletsFrom(z, rng, 3000), val = tripletsFrom(z, rng, 1000);
    const before = tripletAccuracy(x, val);
    const fit = fitGlocal({ concepts: x, train, val }, {
      lambda: 1e-4,
      alpha: 0,
      epochs: 30,
      learningRate: 1e-2,
      seed: 1,
    });
    assert.ok(fit.losses.at(-1)! < fit.losses[0], "training loss falls");
    assert.ok(fit.valAccuracy > before + 0.1, `val accuracy ${before} → ${fit.valAccuracy}`);
    // with images, the local term keeps the fit near the image geometry but still learns
    const images = randomMatrix(rng, 50, d);
    const mixed = fitGlocal({ concepts: x, train, val, images }, {
      lambda: 1e-4,
      alpha: 0.25,
      epochs: 10,
      learningRate: 1e-2,
      localBatch: 32,
      seed: 1,
    });
    assert.ok(mixed.losses.every(Number.isFinite));
    assert.ok(mixed.valAccuracy > before, `with images: ${before} → ${mixed.valAccuracy}`);
  });
});

Deno.test("glocalLoss: the identity is a stationary point of the local term (teacher = student)", async () => {
  await withSeed("glocal identity", (rng) => {
    const d = 6;
    const images = tf.tensor2d(Float32Array.from(randomMatrix(rng, 32, d).data), [32, d]);
    const rows = tf.tensor2d(Float32Array.from(randomMatrix(rng, 4, d).data), [4, d]);
    const b = tf.zeros([d]) as tf.Tensor1D;
    const loss = (W: tf.Tensor2D, lambda: number) =>
      glocalLoss({ a: rows, b: rows, odd: rows, images }, { W, b }, { alpha: 1, lambda, tau: 0.1 });
    const grad = tf.grad((W) => loss(W as tf.Tensor2D, 1))(tf.eye(d));
    const max = tf.max(tf.abs(grad)).dataSync()[0];
    assert.ok(max < 1e-5, `gradient at the identity ${max}`);
    // away from the identity the local term pulls back
    const noise = tf.tensor2d(Float32Array.from(randomMatrix(rng, d, d).data), [d, d]);
    const moved = tf.add(tf.eye(d), tf.mul(0.3, noise)) as tf.Tensor2D;
    const g2 = tf.grad((W) => loss(W as tf.Tensor2D, 0))(moved);
    assert.ok(tf.max(tf.abs(g2)).dataSync()[0] > 1e-3);
  });
});

Deno.test("glocalLoss: transforming all concepts once and gathering equals transforming the gathered rows", async () => {
  await withSeed("glocal-concepts-path", (rng) => {
    const c = randomMatrix(rng, 7, 4);
    const concepts = tf.tensor2d(Float32Array.from(c.data), [7, 4]);
    const W = tf.variable(tf.tensor2d(Float32Array.from(randomMatrix(rng, 4, 4).data), [4, 4]));
    const b = tf.variable(tf.tensor1d(Float32Array.from([0.1, -0.2, 0.3, 0])));
    const idx = (n: number) =>
      tf.tensor1d(Int32Array.from({ length: 12 }, () => rng.int(n)), "int32");
    const [ia, ib, io] = [idx(7), idx(7), idx(7)];
    const options = { alpha: 0, lambda: 0.01, tau: 0.1 };
    const gathered = tf.variableGrads(() =>
      glocalLoss(
        {
          a: tf.gather(concepts, ia),
          b: tf.gather(concepts, ib),
          odd: tf.gather(concepts, io),
        },
        { W, b },
        options,
      ), [W, b]);
    const indexed = tf.variableGrads(
      () => glocalLoss({ concepts, index: { a: ia, b: ib, odd: io } }, { W, b }, options),
      [W, b],
    );
    assert.ok(Math.abs(gathered.value.dataSync()[0] - indexed.value.dataSync()[0]) < 1e-5);
    for (const name of Object.keys(gathered.grads)) {
      assert.ok(
        maxRelDiff(gathered.grads[name].dataSync(), indexed.grads[name].dataSync()) < 1e-4,
        name,
      );
    }
    assert.throws(() => glocalLoss({}, { W, b }, options), /a, b and odd, or concepts and index/);
    tf.dispose([concepts, W, b, ia, ib, io, gathered.value, indexed.value]);
  });
});
