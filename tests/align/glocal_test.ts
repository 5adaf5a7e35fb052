import { strict as assert } from "node:assert";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { applyGlocal, fitGlocal, glocalLoss, tripletAccuracy } from "../../src/align/glocal.ts";
import { readGlocalTransform } from "../../src/io/npz.ts";
import type { Matrix, Triplets } from "../../src/metrics/types.ts";
import { initBackend } from "../../src/models/backend.ts";
import { REPO_ROOT } from "../../src/pipeline/paths.ts";
import type { Rng } from "../../src/stats/random.ts";
import { assertFloat32Close, gamma, glocalScale, U32 } from "../_helpers/numeric.ts";
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

/**
 * First-order float32 error model of gLocal's global term (α = 0) plus its regulariser, for two
 * evaluations that compute z = x·W + b, the logits and the backward sums in different orders:
 * |Δz| ≤ 2γ(d + 1)·(|x|·|W| + |b|); a logit z_u·z_v moves by Σ(|Δz_u||z_v| + |z_u||Δz_v|) plus
 * 2γ(d)·Σ|z_u||z_v|; log-softmax is 1-Lipschitz in the max norm per logit and adds at most
 * SOFTMAX_ULPS roundings (max shift, exp, sum, log, difference, each ≤ 2 ulp) per evaluation;
 * a softmax probability moves by p_k·(|Δl_k| + Σ_j p_j|Δl_j|) plus those roundings; the gradients
 * sum 3B rows (dW, db) after 2-term products.
 */
const SOFTMAX_ULPS = 10;

function glocalGlobalBound(
  x: Matrix,
  W: number[][],
  bias: number[],
  o: { a: number[]; b: number[]; odd: number[]; lambda: number },
) {
  const d = W.length, B = o.a.length;
  const z: number[][] = [], zAbs: number[][] = [], ez: number[][] = [];
  for (let r = 0; r < x.rows; r++) {
    const row = Array.from({ length: d }, (_, k) => Math.fround(x.data[r * d + k]));
    z.push(W[0].map((_, j) => row.reduce((s, v, k) => s + v * W[k][j], bias[j])));
    zAbs.push(
      W[0].map((_, j) => row.reduce((s, v, k) => s + Math.abs(v * W[k][j]), Math.abs(bias[j]))),
    );
    ez.push(zAbs[r].map((v) => 2 * gamma(d + 1) * v));
  }
  const dot = (u: number[], v: number[]) => u.reduce((s, e, k) => s + e * v[k], 0);
  const dotAbs = (u: number[], v: number[]) => u.reduce((s, e, k) => s + Math.abs(e * v[k]), 0);
  const ulps = 2 * SOFTMAX_ULPS * U32;
  let valueDiff = 0, valueScale = 0;
  const dzAbs = new Map<number, number[]>(), dzDiff = new Map<number, number[]>();
  const add = (m: Map<number, number[]>, r: number, v: number[]) =>
    m.set(r, (m.get(r) ?? new Array(d).fill(0)).map((e, k) => e + v[k]));
  const rowsW: { r: number; abs: number[]; diff: number[] }[] = [];
  for (let q = 0; q < B; q++) {
    const rows = [o.a[q], o.b[q], o.odd[q]];
    const pairs: [number, number][] = [[0, 1], [0, 2], [1, 2]];
    const l = pairs.map(([u, v]) => dot(z[rows[u]], z[rows[v]]));
    const el = pairs.map(([u, v]) =>
      ez[rows[u]].reduce((s, e, k) => s + e * Math.abs(z[rows[v]][k]), 0) +
      ez[rows[v]].reduce((s, e, k) => s + e * Math.abs(z[rows[u]][k]), 0) +
      2 * gamma(d) * dotAbs(z[rows[u]], z[rows[v]])
    );
    const mx = Math.max(...l);
    const lse = mx + Math.log(l.reduce((s, v) => s + Math.exp(v - mx), 0));
    const p = l.map((v) => Math.exp(v - lse));
    valueDiff += (el[0] + Math.max(...el) + ulps * (Math.abs(l[0]) + Math.abs(lse))) / B;
    valueScale += Math.abs(l[0] - lse) / B;
    const spread = p.reduce((s, v, j) => s + v * el[j], 0);
    const g = p.map((v, k) => ((k === 0 ? 1 : 0) + v) / B);
    const dg = p.map((v, k) => (v * (el[k] + spread) + ulps * v) / B);
    // dz of each role: Σ over its two logits of g·z_other
    const roles = [new Array(d).fill(0), new Array(d).fill(0), new Array(d).fill(0)];
    const rolesDiff = [new Array(d).fill(0), new Array(d).fill(0), new Array(d).fill(0)];
    pairs.forEach(([u, v], k) => {
      for (const [me, other] of [[u, v], [v, u]]) {
        for (let e = 0; e < d; e++) {
          const zo = Math.abs(z[rows[other]][e]);
          roles[me][e] += g[k] * zo;
          rolesDiff[me][e] += dg[k] * zo + g[k] * ez[rows[other]][e];
        }
      }
    });
    rows.forEach((r, role) => {
      const diff = rolesDiff[role].map((v, e) => v + 2 * gamma(2) * roles[role][e]);
      rowsW.push({ r, abs: roles[role], diff });
      add(dzAbs, r, roles[role]);
      add(dzDiff, r, diff);
    });
  }
  // the regulariser λ‖W − mean(diag W)·I‖²: identical on both paths, its gradient is added once
  const trace = W.reduce((s, row, i) => s + row[i], 0);
  const off = W.map((row, i) => row.map((v, j) => v - (i === j ? trace / d : 0)));
  const diagOff = off.reduce((s, row, i) => s + Math.abs(row[i]), 0) / d;
  const reg = off.map((row, i) =>
    row.map((v, j) => 2 * o.lambda * (Math.abs(v) + (i === j ? diagOff : 0)))
  );
  const regValue = o.lambda * off.flat().reduce((s, v) => s + v * v, 0);
  const dWScale = new Float64Array(d * d), dWDiff = new Float64Array(d * d);
  const dbScale = new Float64Array(d), dbDiff = new Float64Array(d);
  for (const { r, abs, diff } of rowsW) {
    for (let i = 0; i < d; i++) {
      const xi = Math.abs(Math.fround(x.data[r * d + i]));
      for (let j = 0; j < d; j++) {
        dWScale[i * d + j] += xi * abs[j];
        dWDiff[i * d + j] += xi * diff[j];
      }
    }
    for (let j = 0; j < d; j++) {
      dbScale[j] += abs[j];
      dbDiff[j] += diff[j];
    }
  }
  reg.forEach((row, i) => row.forEach((v, j) => (dWScale[i * d + j] += v)));
  return {
    value: { scale: valueScale + regValue, propagated: valueDiff, terms: B + 2 },
    dW: { scale: dWScale, propagated: dWDiff, terms: 3 * B + 3 },
    db: { scale: dbScale, propagated: dbDiff, terms: 3 * B + 1 },
  };
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
    // float64 both sides (numpy's BLAS and our kernel add in different orders): dim products, the
    // standardisation and the bias; scale ((|x − mean|)/std)·|W| + |b|
    assertFloat32Close(got.data, want.flat(), {
      scale: glocalScale(t, x.data),
      terms: t.dim + 3,
      label: "applyGlocal vs numpy",
      arithmetic: ["float64", "float64"],
    });
  });
});

Deno.test("fitGlocal: learns a hidden linear map of the human choices (validation accuracy rises)", async () => {
  await withSeed("glocal fit", async (rng) => {
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
    const fit = await fitGlocal({ concepts: x, train, val }, {
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
    const mixed = await fitGlocal({ concepts: x, train, val, images }, {
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

/**
 * The float32 noise of gLocal's local-term gradient at W = I, b = 0, where it is exactly 0: the
 * student's cosines are the teacher's bit for bit (x·I + 0 is exact, then the same kernels), the
 * global term is multiplied by 1 − α = 0 and the regulariser is exactly 0, so the only rounding
 * is in the log-softmax backward, softmax(s)·Σ T − T with softmax(s) = exp(log-softmax(s)) ≠ T:
 * per entry at most η·T/m, η = γ(m + 1) + 2·SOFTMAX_ULPS·u. That noise N reaches W through
 * s = u·uᵀ/τ (|du_i| ≤ Σ_j (N_ij + N_ji)·|u_j|/τ), the row normalisation
 * (|dz_i| ≤ (|du_i| + |u_i|·(|u_i|·|du_i|))/‖z_i‖) and W's gradient xᵀ·dz (first order).
 */
function identityGradNoise(x: ArrayLike<number>, m: number, d: number, tau: number): Float64Array {
  const norm = Array.from({ length: m }, (_, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] ** 2;
    return Math.sqrt(s);
  });
  const unit = Array.from(
    { length: m },
    (_, i) => Array.from({ length: d }, (_, k) => x[i * d + k] / norm[i]),
  );
  const eta = gamma(m + 1) + 2 * SOFTMAX_ULPS * U32;
  const noise: number[][] = unit.map((ui, i) => {
    const s = unit.map((
      uj,
      j,
    ) => (i === j ? -Infinity : ui.reduce((a, v, k) => a + v * uj[k], 0) / tau));
    const mx = Math.max(...s);
    const e = s.map((v) => Math.exp(v - mx));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => (eta * v) / sum / m);
  });
  const out = new Float64Array(d * d);
  for (let i = 0; i < m; i++) {
    const du = Array.from(
      { length: d },
      (_, k) =>
        unit.reduce((a, uj, j) => a + (noise[i][j] + noise[j][i]) * Math.abs(uj[k]), 0) / tau,
    );
    const proj = unit[i].reduce((a, v, k) => a + Math.abs(v) * du[k], 0);
    const dz = du.map((v, k) => (v + Math.abs(unit[i][k]) * proj) / norm[i]);
    for (let k = 0; k < d; k++) {
      for (let l = 0; l < d; l++) out[k * d + l] += Math.abs(x[i * d + k]) * dz[l];
    }
  }
  return out;
}

Deno.test("glocalLoss: the identity is a stationary point of the local term (teacher = student)", async () => {
  await withSeed("glocal identity", (rng) => {
    const d = 6;
    const images = tf.tensor2d(Float32Array.from(randomMatrix(rng, 32, d).data), [32, d]);
    const rows = tf.tensor2d(Float32Array.from(randomMatrix(rng, 4, d).data), [4, d]);
    const b = tf.zeros([d]) as tf.Tensor1D;
    const loss = (W: tf.Tensor2D, lambda: number) =>
      glocalLoss({ a: rows, b: rows, odd: rows, images }, { W, b }, { alpha: 1, lambda, tau: 0.1 });
    const grad = tf.grad((W) => loss(W as tf.Tensor2D, 1))(tf.eye(d));
    // exactly 0 in exact arithmetic; in float32 only rounding noise (float32 error model)
    assertFloat32Close(grad.dataSync(), new Float64Array(d * d), {
      scale: 0,
      propagated: identityGradNoise(images.dataSync(), 32, d, 0.1),
      terms: 1,
      label: "gradient at the identity",
    });
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
    // float32 error model of the two paths (first order): z = x·W + b by two matrix products of
    // different heights, the logits, log-softmax and the mean, then the backward sums over the
    // 36 gathered rows (or per concept, then over the 7 concepts)
    const bound = glocalGlobalBound(c, W.arraySync(), b.arraySync(), {
      a: ia.arraySync(),
      b: ib.arraySync(),
      odd: io.arraySync(),
      lambda: options.lambda,
    });
    assertFloat32Close(gathered.value.dataSync(), indexed.value.dataSync(), {
      ...bound.value,
      label: "loss: gathered vs indexed",
    });
    assertFloat32Close(gathered.grads[W.name].dataSync(), indexed.grads[W.name].dataSync(), {
      ...bound.dW,
      label: "dW: gathered vs indexed",
    });
    assertFloat32Close(gathered.grads[b.name].dataSync(), indexed.grads[b.name].dataSync(), {
      ...bound.db,
      label: "db: gathered vs indexed",
    });
    assert.throws(() => glocalLoss({}, { W, b }, options), /a, b and odd, or concepts and index/);
    tf.dispose([concepts, W, b, ia, ib, io, gathered.value, indexed.value]);
  });
});
