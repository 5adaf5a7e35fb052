"""numpy/scipy peer of perf/perf.ts: the same three tasks on the same inputs.

Usage: python3 perf/perf_peer.py DIR
DIR holds the inputs written by perf.ts (spec.json + raw little-endian .bin files). Writes
DIR/peer_rsm.bin (the human similarity matrix, float64 n×n) and prints one JSON line with
timings (seconds, computation only, inputs already in memory) and results.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import stats

CHUNK = 128  # rows j per block in the human similarity peer: keeps the block in L2 cache


def load(d, name, dtype, shape=None):
    a = np.fromfile(os.path.join(d, name + ".bin"), dtype=dtype)
    return a.reshape(shape) if shape else a


def median_time(fn, reps):
    fn()  # warm-up
    times, result = [], None
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def human_rsm_rows(E, R, rows, n):
    """RSM_ij for j > i of the given rows i: per i, numpy broadcasting over (j, k) in blocks
    of CHUNK rows j; the k = i and k = j terms are subtracted from the full sum over k."""
    buf = np.empty((CHUNK, n))
    ar = np.arange(CHUNK)
    for i in rows:
        Ei = E[i]
        for j0 in range(i + 1, n, CHUNK):
            j1 = min(j0 + CHUNK, n)
            m = j1 - j0
            b = buf[:m]
            eij = Ei[j0:j1, None]
            np.add(E[j0:j1], Ei, out=b)          # E_jk + E_ik
            b += eij                             # + E_ij
            np.divide(eij, b, out=b)             # E_ij / (E_ij + E_ik + E_jk)
            s = b.sum(1) - b[:, i] - b[ar[:m], np.arange(j0, j1)]
            R[i, j0:j1] = s / (n - 2)


def human_rsm(W, limit_s):
    """Full matrix, or (when the first rows predict more than limit_s) an extrapolation."""
    n = W.shape[0]
    t0 = time.perf_counter()
    S = W @ W.T
    E = np.exp(S - S.max())
    R = np.zeros((n, n))
    pairs = n * (n - 1) // 2
    probe = range(0, 40)
    human_rsm_rows(E, R, probe, n)
    done = sum(n - 1 - i for i in probe)
    estimate = (time.perf_counter() - t0) * pairs / done
    if estimate > limit_s:
        return estimate, None, True
    human_rsm_rows(E, R, range(40, n - 1), n)
    R = R + R.T
    np.fill_diagonal(R, 1.0)
    return time.perf_counter() - t0, R, False


def main():
    d = sys.argv[1]
    spec = json.load(open(os.path.join(d, "spec.json")))
    n, dim, reps = spec["n"], spec["dim"], spec["reps"]
    W = load(d, "w", "<f8", (n, dim))
    x = load(d, "x", "<f8")
    y = load(d, "y", "<f8")
    a, b, o = (load(d, k, "<i4") for k in ("a", "b", "odd"))
    res = {"numpy": np.__version__, "scipy": scipy.__version__}

    # (a) human similarity matrix
    t, R, extrapolated = human_rsm(W, spec["limitS"])
    res["rsm"] = {"s": t, "extrapolated": extrapolated}
    if R is not None:
        R.astype("<f8").tofile(os.path.join(d, "peer_rsm.bin"))

    # (b) Spearman (and Kendall tau-b) over the upper-triangle pairs
    t, r = median_time(lambda: stats.spearmanr(x, y)[0], reps)
    res["spearman"] = {"s": t, "value": float(r)}
    t, r = median_time(lambda: stats.kendalltau(x, y)[0], max(1, reps // 2))
    res["kendall"] = {"s": t, "value": float(r)}

    # (c) odd-one-out accuracy: the faster of two vectorised implementations
    def via_rows():
        sab = np.einsum("ij,ij->i", W[a], W[b])
        sao = np.einsum("ij,ij->i", W[a], W[o])
        sbo = np.einsum("ij,ij->i", W[b], W[o])
        return int(np.count_nonzero((sab > sao) & (sab > sbo)))

    def via_gram():
        S = W @ W.T
        sab, sao, sbo = S[a, b], S[a, o], S[b, o]
        return int(np.count_nonzero((sab > sao) & (sab > sbo)))

    t1, c1 = median_time(via_rows, reps)
    t2, c2 = median_time(via_gram, reps)
    res["oddoneout"] = {"s": min(t1, t2), "correct": c1, "correctGram": c2,
                        "method": "einsum over rows" if t1 <= t2 else "Gram matrix + gather"}
    print("@@PEER@@" + json.dumps(res))


if __name__ == "__main__":
    main()
