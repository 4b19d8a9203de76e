#!/usr/bin/env python3
"""NumPy reference for issue 4's curvature benchmark (scripts/bench/run --hessian).

The 2-layer bias-free ReLU network (m = 64, d = 20, K = 5, P = 1600) on the Gaussian
mixture (n = 200), MSE (mean over n·K, no ½), at the PyTorch-default θ₀, Float64, one
thread:

1. `dense+eigvalsh`: the exact P×P Hessian assembled analytically with matrix
   products (σ″ = 0 for ReLU, so every block is a product of the per-sample input
   Jacobian U[i, (a,b)] = 1[z_ia > 0]·x_ib with the outputs), then all eigenvalues by
   np.linalg.eigvalsh. Parameter order: W₁ row-major, then W₂ (experiments.md §1.10).
2. `power20`: the top eigenvalue by 20 exact Hessian-vector products (the R-operator
   formulas of experiments.md §1.10), power iteration from a normal start.

Checks: the dense Hessian against one HVP (relative difference) and its symmetry;
λ_max from both tasks. Prints one JSON object per task.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import json
import time

import numpy as np

from reference_numpy import gaussian_mixture, init_weights


def setup(seed, n=200, sizes=(20, 64, 5)):
    rng = np.random.default_rng(seed)
    w1, w2 = init_weights(list(sizes), rng)
    x, y = gaussian_mixture(n, sizes[0], sizes[-1], 2.0, rng)
    yy = np.zeros((n, sizes[-1]))
    yy[np.arange(n), y] = 1.0
    return x, yy, w1, w2


def dense_hessian(x, y, w1, w2):
    n, d = x.shape
    m, k = w1.shape[0], w2.shape[0]
    c = 2.0 / (n * k)
    z = x @ w1.T
    s = (z > 0).astype(np.float64)
    h = z * s
    g = c * (h @ w2.T - y)                                   # ∂L/∂F
    u = (s[:, :, None] * x[:, None, :]).reshape(n, m * d)    # U[i, (a,b)]
    p1 = m * d
    hess = np.empty((p1 + k * m, p1 + k * m))
    # W1-W1: c·(W2ᵀW2)[a,a']·(UᵀU)[(a,b),(a',b')]
    h11 = hess[:p1, :p1]
    np.matmul(u.T, u, out=h11)
    h11 *= c * np.kron(w2.T @ w2, np.ones((d, d)))
    # W1-W2: c·W2[k,a]·(UᵀH)[(a,b), j] + δ_{a j}·(UᵀG)[(a,b), k]
    uh = u.T @ h                                             # (m·d) × m
    ug = u.T @ g                                             # (m·d) × K
    h12 = (c * w2.T.repeat(d, axis=0)[:, :, None] * uh[:, None, :])   # (m·d) × K × m
    rows = np.arange(p1)
    h12[rows, :, rows // d] += ug
    hess[:p1, p1:] = h12.reshape(p1, k * m)
    hess[p1:, :p1] = hess[:p1, p1:].T
    # W2-W2: c·I_K ⊗ HᵀH
    hh = c * (h.T @ h)
    h22 = hess[p1:, p1:]
    h22.fill(0.0)
    for kk in range(k):
        h22[kk * m:(kk + 1) * m, kk * m:(kk + 1) * m] = hh
    return hess


def hvp(x, y, w1, w2, v1, v2):
    n = x.shape[0]
    k = w2.shape[0]
    c = 2.0 / (n * k)
    z = x @ w1.T
    s = (z > 0).astype(np.float64)
    h = z * s
    g = c * (h @ w2.T - y)
    dh = s * (x @ v1.T)
    df = dh @ w2.T + h @ v2.T
    dg = c * df
    return ((dg @ w2 + g @ v2) * s).T @ x, dg.T @ h + g.T @ dh


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--task", choices=["dense", "power", "all"], default="all",
                   help="run one task only (the runner times each in a fresh process)")
    args = p.parse_args()
    x, y, w1, w2 = setup(args.seed)
    rng = np.random.default_rng(1)
    if args.task in ("dense", "all"):
        dense_task(x, y, w1, w2, rng)
    if args.task in ("power", "all"):
        power_task(x, y, w1, w2, rng)


def dense_task(x, y, w1, w2, rng):
    start = time.perf_counter()
    cpu_start = time.thread_time()
    hess = dense_hessian(x, y, w1, w2)
    evals = np.linalg.eigvalsh(hess)
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start
    v = rng.standard_normal(hess.shape[0])
    p1 = w1.size
    a1, a2 = hvp(x, y, w1, w2, v[:p1].reshape(w1.shape), v[p1:].reshape(w2.shape))
    hv = np.concatenate([a1.ravel(), a2.ravel()])
    rel = float(np.linalg.norm(hess @ v - hv) / np.linalg.norm(hv))
    asym = float(np.max(np.abs(hess - hess.T)))
    print(json.dumps(dict(kind="hessian", impl="numpy", task="dense Hessian (P=1600) + all eigenvalues",
                          seconds=seconds, cpu_seconds=cpu_seconds, lambda_max=float(evals[-1]), lambda_min=float(evals[0]),
                          check=f"vs HVP {rel:.1e}, asymmetry {asym:.1e}, λmax {evals[-1]:.6g}")))


def power_task(x, y, w1, w2, rng):
    start = time.perf_counter()
    v1, v2 = rng.standard_normal(w1.shape), rng.standard_normal(w2.shape)
    lam = 0.0
    for _ in range(20):
        norm = np.sqrt(np.sum(v1 * v1) + np.sum(v2 * v2))
        v1, v2 = v1 / norm, v2 / norm
        h1, h2 = hvp(x, y, w1, w2, v1, v2)
        lam = float(np.sum(v1 * h1) + np.sum(v2 * h2))
        v1, v2 = h1, h2
    seconds = time.perf_counter() - start
    print(json.dumps(dict(kind="hessian", impl="numpy", task="top eigenvalue, 20 HVPs (power iteration)",
                          seconds=seconds, lambda_max=lam, check=f"λmax {lam:.6g}")))


if __name__ == "__main__":
    main()
