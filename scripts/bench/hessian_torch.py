#!/usr/bin/env python3
"""PyTorch reference for issue 4's curvature benchmark (scripts/bench/run --hessian),
written as users do it.

The 2-layer bias-free ReLU network (m = 64, d = 20, K = 5, P = 1600) on the Gaussian
mixture (n = 200), MSE, at the default θ₀, float64, one thread:

1. `dense+eigvalsh`: torch.func.hessian (forward-over-reverse, vectorized with vmap:
   the strongest idiomatic way to get a dense Hessian in PyTorch) of the loss as a
   function of the flat parameter vector (W₁ row-major, then W₂), then
   torch.linalg.eigvalsh.
2. `power20`: PyHessian-style power iteration: gradients with create_graph=True,
   then 20 double-backprop Hessian-vector products torch.autograd.grad(g, θ, v).
   Issue 4 compares this in a fresh process, so the runner also reports the wall
   time of the whole process.

Prints one JSON object per task.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import json
import time

import torch
import torch.nn.functional as F

from reference_torch import MLP, gaussian_mixture


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--task", choices=["dense", "power", "all"], default="all",
                   help="run one task only (the runner times each in a fresh process)")
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(args.seed)
    sizes = [20, 64, 5]
    model = MLP(sizes)
    x, y = gaussian_mixture(200, 20, 5, 2.0)
    targets = F.one_hot(y, 5).to(torch.float64)
    params = [layer.weight for layer in model.layers]
    shapes = [w.shape for w in params]
    counts = [w.numel() for w in params]

    def loss_of(flat):
        w1, w2 = (t.view(s) for t, s in zip(torch.split(flat, counts), shapes))
        return F.mse_loss(torch.relu(x @ w1.T) @ w2.T, targets)

    if args.task in ("dense", "all"):
        dense_task(loss_of, params)
    if args.task in ("power", "all"):
        power_task(model, x, targets, params)


def dense_task(loss_of, params):
    theta = torch.cat([w.detach().reshape(-1) for w in params])
    # Warm: torch.func's first call imports its machinery (torch._dynamo, ~1–2 s); the
    # other implementations are timed with their code loaded too.
    torch.func.hessian(lambda t: (t * t).sum())(torch.ones(2))
    start = time.perf_counter()
    cpu_start = time.thread_time()
    hess = torch.func.hessian(loss_of)(theta)
    evals = torch.linalg.eigvalsh(hess)
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start
    asym = (hess - hess.T).abs().max().item()
    print(json.dumps(dict(kind="hessian", impl="torch", task="dense Hessian (P=1600) + all eigenvalues",
                          seconds=seconds, cpu_seconds=cpu_seconds, method="torch.func.hessian",
                          lambda_max=evals[-1].item(), lambda_min=evals[0].item(),
                          check=f"asymmetry {asym:.1e}, λmax {evals[-1].item():.6g}")), flush=True)


def power_task(model, x, targets, params):
    start = time.perf_counter()
    loss = F.mse_loss(model(x), targets)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    v = [torch.randn_like(w) for w in params]
    lam = 0.0
    for _ in range(20):
        norm = torch.sqrt(sum((t * t).sum() for t in v))
        v = [t / norm for t in v]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        lam = sum((a * b).sum() for a, b in zip(v, hv)).item()
        v = [t.detach() for t in hv]
    seconds = time.perf_counter() - start
    print(json.dumps(dict(kind="hessian", impl="torch", task="top eigenvalue, 20 HVPs (power iteration)",
                          seconds=seconds, lambda_max=lam, check=f"λmax {lam:.6g}")))


if __name__ == "__main__":
    main()
