#!/usr/bin/env python3
"""Idiomatic PyTorch (CPU) reference for Noether's training benchmark (scripts/bench/run).

The same work as Noether's `train`, written the way a PyTorch user writes it: an
nn.Module of nn.Linear(bias=False) layers with ReLU, torch.optim.SGD (plain full-
batch gradient descent), F.mse_loss / F.cross_entropy, loss.backward(), float64,
one thread; every step reads the loss, every ||∂L/∂W_l||² from .grad and every
||W_l||² after the update (each set stacked into one tensor and read with one
.tolist(), as a PyTorch user logs several scalars), and keeps the ledger (measured
ΔC_l(t) beside η²δ_l(t)), with the statistics of step t taken at θ_t before the
update. Timed in wall time and in the thread's CPU time (time.thread_time()), like
the other implementations.

PyTorch's defaults match experiments.md §1: nn.Linear's init is U(±1/√fan_in);
F.mse_loss is the mean over n·K entries without ½; F.cross_entropy the mean over
samples. The random streams are torch's, so the numbers differ from Noether's;
their magnitudes must not.

Prints one JSON object on stdout.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    """Bias-free fully connected ReLU network: ReLU after every layer but the last."""

    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(a, b, bias=False) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)


def gaussian_mixture(n, d, k, separation):
    """GM(n, d, K, s): centers at radius s·√d, balanced classes, unit noise, joint shuffle."""
    centers = torch.randn(k, d)
    centers *= separation * math.sqrt(d) / centers.norm(dim=1, keepdim=True)
    xs, ys = [], []
    for c in range(k):
        size = n // k + (1 if c < n % k else 0)
        xs.append(centers[c] + torch.randn(size, d))
        ys.append(torch.full((size,), c, dtype=torch.long))
    x, y = torch.cat(xs), torch.cat(ys)
    perm = torch.randperm(n)
    return x[perm].contiguous(), y[perm]


def sequential_sum(values):
    """Σ in order, as Noether sums S_l (Python 3.12's sum() compensates; this does not)."""
    total = 0.0
    for v in values:
        total += v
    return total


def run(sizes, loss_name, lr, steps, n, separation, seed):
    torch.manual_seed(seed)
    model = MLP(sizes)                                   # model first, then data (§1.6)
    x, y = gaussian_mixture(n, sizes[0], sizes[-1], separation)
    targets = F.one_hot(y, sizes[-1]).to(torch.float64)
    weights = [layer.weight for layer in model.layers]
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    losses, grad_norms = [], [[] for _ in weights]
    with torch.no_grad():
        norms = [w.pow(2).sum().item() for w in weights]
    conserved = [[norms[l + 1] - norms[l]] for l in range(len(weights) - 1)]
    measured = [[] for _ in conserved]
    predicted = [[] for _ in conserved]
    eta2 = lr * lr
    diverged_at = None

    start = time.perf_counter()
    cpu_start = time.thread_time()
    process_start = time.process_time()
    for t in range(steps):
        opt.zero_grad()
        out = model(x)
        loss = F.mse_loss(out, targets) if loss_name == "mse" else F.cross_entropy(out, y)
        loss.backward()
        value = loss.item()
        losses.append(value)
        if not math.isfinite(value):
            diverged_at = t
            break
        gn = torch.stack([w.grad.pow(2).sum() for w in weights]).tolist()
        for l, g in enumerate(gn):
            grad_norms[l].append(g)
        opt.step()
        with torch.no_grad():
            norms = torch.stack([w.pow(2).sum() for w in weights]).tolist()
        for l in range(len(conserved)):
            c = norms[l + 1] - norms[l]
            measured[l].append(c - conserved[l][-1])
            conserved[l].append(c)
            predicted[l].append(eta2 * (gn[l + 1] - gn[l]))
        if not all(math.isfinite(v) for v in norms):
            diverged_at = t + 1
            break
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start
    process_cpu_seconds = time.process_time() - process_start   # any helper thread of torch's too

    steps_run = len(measured[0])
    with torch.no_grad():
        accuracy = (out.argmax(dim=1) == y).to(torch.float64).mean().item()
    s = [sequential_sum(a - b for a, b in zip(grad_norms[l + 1][:steps_run], grad_norms[l][:steps_run]))
         for l in range(len(conserved))]
    change = [conserved[l][steps_run] - conserved[l][0] for l in range(len(conserved))]
    residual = max(abs(change[l] - eta2 * s[l]) / abs(change[l]) for l in range(len(conserved)))
    step_err = max(abs(m - p) for l in range(len(conserved)) for m, p in zip(measured[l], predicted[l]))
    diverged = diverged_at is not None
    return dict(seconds=seconds, cpu_seconds=cpu_seconds, process_cpu_seconds=process_cpu_seconds, final_loss=losses[-1], C0=[c[0] for c in conserved],
                C_final=[c[steps_run] for c in conserved],
                drift=None if diverged else [abs(c) for c in change], S=s,
                ledger_residual=residual, ledger_step_error=step_err, accuracy=accuracy,
                diverged=diverged, steps_run=steps_run)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="20,64,5")
    p.add_argument("--loss", choices=["mse", "cross_entropy"], default="mse")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--separation", type=float, default=2.0)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--reps", type=int, default=1, help="timed repetitions in this process")
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    sizes = [int(s) for s in args.sizes.split(",")]
    times, cpu_times, process_times = [], [], []
    for _ in range(args.reps):
        r = run(sizes, args.loss, args.lr, args.steps, args.n, args.separation, args.seed)
        times.append(r.pop("seconds"))
        cpu_times.append(r.pop("cpu_seconds"))
        process_times.append(r.pop("process_cpu_seconds"))
    out = dict(kind="train", impl="torch", torch=torch.__version__, threads=torch.get_num_threads(),
               sizes=sizes, loss=args.loss, lr=args.lr, n=args.n, steps=args.steps, reps=args.reps,
               seconds_best=min(times), seconds_median=statistics.median(times), seconds_all=times,
               cpu_seconds_best=min(cpu_times), cpu_seconds_all=cpu_times,
               process_cpu_seconds_best=min(process_times))
    out.update(r)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
