/**
 * Weighted statistics for the cluster bootstrap over concepts: a bootstrap resample that draws
 * concept c `k` times gives each item of c weight `k` (each pair of concepts a, b weight
 * `k_a · k_b`), so every metric is evaluated as a weighted statistic on the fixed item list
 * instead of materialising the resampled data. With all weights 1 they equal the plain
 * statistics.
 *
 * @module
 */

type Values = ArrayLike<number>;

/** Σ w·x / Σ w (NaN when the weights sum to 0). */
export function weightedMean(x: Values, w: Values): number {
  let s = 0, sw = 0;
  for (let i = 0; i < x.length; i++) {
    s += w[i] * x[i];
    sw += w[i];
  }
  return sw > 0 ? s / sw : NaN;
}

/** Weighted Pearson correlation (NaN when either side has zero weighted variance). */
export function weightedPearson(x: Values, y: Values, w: Values): number {
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i];
    mx += w[i] * x[i];
    my += w[i] * y[i];
  }
  if (!(sw > 0)) return NaN;
  mx /= sw;
  my /= sw;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (w[i] === 0) continue;
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += w[i] * dx * dy;
    sxx += w[i] * dx * dx;
    syy += w[i] * dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Weighted cosine similarity Σ w·x·y / √(Σ w·x² · Σ w·y²). */
export function weightedCosine(x: Values, y: Values, w: Values): number {
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += w[i] * x[i] * y[i];
    sxx += w[i] * x[i] * x[i];
    syy += w[i] * y[i] * y[i];
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Weighted ROC AUC of items sorted by ascending score, in one sequential pass:
 * Σ_{p,n} w_p w_n ([s_p > s_n] + ½[s_p = s_n]) / (Σ w_p · Σ w_n) over positive–negative pairs.
 */
export function weightedAucSorted(
  sorted: Values,
  labels: ArrayLike<number | boolean>,
  weights: Values,
): number {
  let negBelow = 0, total = 0, posW = 0, negW = 0;
  let p = 0;
  const n = sorted.length;
  while (p < n) {
    // a run of tied scores
    const s = sorted[p];
    let runPos = 0, runNeg = 0;
    while (p < n && sorted[p] === s) {
      if (labels[p]) runPos += weights[p];
      else runNeg += weights[p];
      p++;
    }
    total += runPos * (negBelow + runNeg / 2);
    negBelow += runNeg;
    posW += runPos;
    negW += runNeg;
  }
  return posW > 0 && negW > 0 ? total / (posW * negW) : NaN;
}

/** Multiplicity of every unit in a bootstrap draw of unit indices. */
export function unitCounts(indices: ArrayLike<number>, nUnits: number): Float64Array {
  const counts = new Float64Array(nUnits);
  for (let i = 0; i < indices.length; i++) counts[indices[i]]++;
  return counts;
}
