"""PyTorch peer of perf/models.ts: ResNet-50 @224 inference and the seed's baseline schedule
(head epochs, then layer4 epochs) on the same images, 2 threads. Prints one JSON line.

The seed's script recomputes the frozen trunk every epoch; this does the same. BatchNorm runs in
eval mode in both implementations (frozen statistics), as the TF.js trainer does.
"""
import json
import sys
import time

import numpy as np
import torch
import torchvision

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec["threads"])
torch.manual_seed(0)
n, size, classes = spec["n"], spec["size"], spec["classes"]
x = np.fromfile(spec["pixels"], dtype="<f4").reshape(n, size, size, 3)
x = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
labels = torch.from_numpy(np.fromfile(spec["labels"], dtype="<i4").astype(np.int64))
bs = spec["batch"]

model = torchvision.models.resnet50(weights=None)
model.eval()
# inference
with torch.no_grad():
    model(x[:bs])  # warm-up
    infer_ips = 0.0
    for r in range(spec["inferReps"]):  # best pass, as perf/models.ts does
        t = time.perf_counter()
        for i in range(0, n, bs):
            model(x[i:i + bs])
        infer_ips = max(infer_ips, n / (time.perf_counter() - t))

# training: head epochs (fc only), then layer4 epochs (layer4 + fc), frozen trunk recomputed
model.fc = torch.nn.Linear(2048, classes)
model.eval()


def run_stage(params, epochs, lr):
    for p in model.parameters():
        p.requires_grad = False
    for p in params:
        p.requires_grad = True
    opt = torch.optim.Adam(params, lr=lr)
    for e in range(epochs):
        for i in range(0, n, bs):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[i:i + bs]), labels[i:i + bs])
            loss.backward()
            opt.step()
    return float(loss)


t = time.perf_counter()
run_stage(list(model.fc.parameters()), spec["headEpochs"], 3e-3)
last = run_stage(list(model.layer4.parameters()) + list(model.fc.parameters()), spec["topEpochs"], 3e-4)
train_s = time.perf_counter() - t
images = n * (spec["headEpochs"] + spec["topEpochs"])
print(json.dumps({
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "threads": torch.get_num_threads(),
    "infer_ips": infer_ips,
    "train_s": train_s,
    "train_ips": images / train_s,
    "last_loss": last,
}))
