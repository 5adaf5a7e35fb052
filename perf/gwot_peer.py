"""POT 0.8.2 peer of perf/gwot.ts: entropic GW (square loss) at one ε from the product plan,
POT's defaults (max_iter 1000, tol 1e-9, Sinkhorn 1000 iterations / 1e-9). Prints one JSON line."""
import json
import sys
import time

import numpy as np
import ot

spec = json.loads(sys.argv[1])
n = spec["n"]
C1 = np.fromfile(spec["a"], dtype="<f8").reshape(n, n)
C2 = np.fromfile(spec["b"], dtype="<f8").reshape(n, n)
p, q = ot.unif(n), ot.unif(n)
t = time.perf_counter()
T = ot.gromov.entropic_gromov_wasserstein(C1, C2, p, q, "square_loss", spec["eps"])
seconds = time.perf_counter() - t
top1 = float(np.mean(np.argmax(T, axis=1) == np.arange(n)))
constC, hC1, hC2 = ot.gromov.init_matrix(C1, C2, p, q, "square_loss")
print(json.dumps({"pot": ot.__version__, "seconds": seconds, "top1": top1,
                  "gwd": float(ot.gromov.gwloss(constC, hC1, hC2, T))}))
