#!/usr/bin/env python3
"""Careful NumPy reference for Noether's training benchmark (scripts/bench/run).

The same work as Noether's `train`: full-batch gradient descent on a bias-free ReLU
network (any depth) over the Gaussian mixture of experiments.md §1.1, Float64, one
thread, recording per step the loss, every C_l = ||W_{l+1}||² − ||W_l||², every
||∂L/∂W_l||², and the ledger (measured ΔC_l(t) beside η²δ_l(t)), with the
statistics of step t taken at θ_t before the update.

"Careful" means what a performance-minded NumPy user writes: analytic gradients,
every array preallocated, ufuncs and matmul with `out=`, flattened views for the
norms, Python floats only for the per-step scalars. The random streams are
NumPy's, so the numbers differ from Noether's; their magnitudes must not.

Conventions (experiments.md §1): PyTorch default init U(±1/√fan_in); MSE is the
mean over n·K entries without ½; cross-entropy the mean over samples through a
stable log-softmax; ReLU′(0) = 0.

Prints one JSON object per run (or per sweep) on stdout.
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

import numpy as np


def gaussian_mixture(n, d, k, separation, rng):
    """GM(n, d, K, s): centers at radius s·√d, balanced classes, unit noise, joint shuffle."""
    centers = rng.standard_normal((k, d))
    centers *= (separation * np.sqrt(d)) / np.linalg.norm(centers, axis=1, keepdims=True)
    xs, ys = [], []
    for c in range(k):
        size = n // k + (1 if c < n % k else 0)
        xs.append(centers[c] + rng.standard_normal((size, d)))
        ys.append(np.full(size, c))
    x, y = np.concatenate(xs), np.concatenate(ys)
    perm = rng.permutation(n)
    return np.ascontiguousarray(x[perm]), y[perm].astype(np.int64)


def init_weights(sizes, rng):
    """PyTorch's nn.Linear default: W (out×in) i.i.d. U(−1/√in, +1/√in), layers in order."""
    ws = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        ws.append(rng.uniform(-bound, bound, size=(fan_out, fan_in)))
    return ws


def train(x, y, weights, loss, lr, steps):
    """Full-batch GD with the per-step ledger; returns the series and the final weights.

    Buffers (n samples, layer l maps sizes[l] → sizes[l+1]):
      Z[l] pre-activations, A[l] = relu(Z[l]) (hidden), S[l] = 1[Z[l] > 0] (bool),
      D[l] = ∂L/∂Z[l], GW[l] = ∂L/∂W[l], T[l] update scratch.
    """
    n = x.shape[0]
    L = len(weights)
    W = [w.copy() for w in weights]
    sizes = [x.shape[1]] + [w.shape[0] for w in W]
    K = sizes[-1]
    Z = [np.empty((n, s)) for s in sizes[1:]]
    A = [np.empty((n, s)) for s in sizes[1:-1]]
    S = [np.empty((n, s), dtype=bool) for s in sizes[1:-1]]
    D = [np.empty((n, s)) for s in sizes[1:]]
    GW = [np.empty_like(w) for w in W]
    T = [np.empty_like(w) for w in W]
    Wf = [w.reshape(-1) for w in W]   # flattened views (no copies) for dot products
    GWf = [g.reshape(-1) for g in GW]
    F, G = Z[L - 1], D[L - 1]
    Ff, Gf = F.reshape(-1), G.reshape(-1)
    # loss-specific buffers
    Y = np.zeros((n, K))
    Y[np.arange(n), y] = 1.0
    label_index = np.arange(n) * K + y
    mx = np.empty((n, 1))
    zsum = np.empty((n, 1))
    fy = np.empty(n)
    mse_scale = 2.0 / (n * K)
    inv_nk = 1.0 / (n * K)
    inv_n = 1.0 / n

    losses = np.empty(steps)
    gnorm = np.empty((L, steps))
    cons = np.empty((L - 1, steps + 1))
    measured = np.empty((L - 1, steps))
    predicted = np.empty((L - 1, steps))
    eta2 = lr * lr
    norms = [float(np.dot(wf, wf)) for wf in Wf]
    for l in range(L - 1):
        cons[l, 0] = norms[l + 1] - norms[l]
    gn = [0.0] * L
    matmul, maximum, greater, multiply, subtract, dot = (
        np.matmul, np.maximum, np.greater, np.multiply, np.subtract, np.dot)
    isfinite = math.isfinite                     # on Python floats: cheaper than np.isfinite
    diverged_at = None

    start = time.perf_counter()
    cpu_start = time.thread_time()
    for t in range(steps):
        # forward
        prev = x
        for l in range(L - 1):
            matmul(prev, W[l].T, out=Z[l])
            maximum(Z[l], 0.0, out=A[l])
            greater(Z[l], 0.0, out=S[l])
            prev = A[l]
        matmul(prev, W[L - 1].T, out=F)
        # loss and G = ∂L/∂F
        if loss == "mse":
            subtract(F, Y, out=G)
            value = float(dot(Gf, Gf)) * inv_nk
            multiply(G, mse_scale, out=G)
        else:
            np.max(F, axis=1, keepdims=True, out=mx)
            subtract(F, mx, out=G)
            np.exp(G, out=G)
            np.sum(G, axis=1, keepdims=True, out=zsum)
            np.divide(G, zsum, out=G)                    # softmax p
            np.log(zsum, out=zsum)
            np.take(Ff, label_index, out=fy)
            value = float(zsum.sum() + mx.sum() - fy.sum()) * inv_n
            subtract(G, Y, out=G)
            multiply(G, inv_n, out=G)                    # (p − e_y)/n
        losses[t] = value
        if not isfinite(value):
            diverged_at = t
            break
        # backward
        for l in range(L - 1, -1, -1):
            matmul(D[l].T, x if l == 0 else A[l - 1], out=GW[l])
            if l > 0:
                matmul(D[l], W[l], out=D[l - 1])
                multiply(D[l - 1], S[l - 1], out=D[l - 1])
        # statistics at θ_t, then the update and C at θ_{t+1}
        finite = True
        for l in range(L):
            g = GWf[l]
            gn[l] = float(dot(g, g))
            gnorm[l, t] = gn[l]
            multiply(GW[l], lr, out=T[l])
            subtract(W[l], T[l], out=W[l])
            wf = Wf[l]
            norms[l] = float(dot(wf, wf))
            if not isfinite(norms[l]):
                finite = False
        for l in range(L - 1):
            c = norms[l + 1] - norms[l]
            measured[l, t] = c - cons[l, t]
            cons[l, t + 1] = c
            predicted[l, t] = eta2 * (gn[l + 1] - gn[l])
        if not finite:
            diverged_at = t + 1
            break
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start

    # updates applied: all steps, or up to the divergence (a non-finite loss at step t
    # stops before its update; non-finite parameters after step t's update stop after it)
    steps_run = steps if diverged_at is None else diverged_at
    accuracy = float(np.mean(np.argmax(F, axis=1) == y))
    return dict(seconds=seconds, cpu_seconds=cpu_seconds, losses=losses, gnorm=gnorm, cons=cons, measured=measured,
                predicted=predicted, steps_run=steps_run, diverged_at=diverged_at,
                accuracy=accuracy, eta2=eta2, weights=W)


def summary(r):
    """The run's final numbers, named as Noether names them."""
    T = r["steps_run"]
    diverged = r["diverged_at"] is not None
    cons = r["cons"]
    s = []
    for l in range(cons.shape[0]):
        total = 0.0                         # Σ in order, as Noether sums S_l
        for v in (r["gnorm"][l + 1, :T] - r["gnorm"][l, :T]).tolist():
            total += v
        s.append(total)
    change = [float(cons[l, T] - cons[l, 0]) for l in range(cons.shape[0])]
    residual = max(abs(change[l] - r["eta2"] * s[l]) / abs(change[l]) for l in range(len(s)))
    step_err = float(np.max(np.abs(r["measured"][:, :T] - r["predicted"][:, :T]))) if T else 0.0
    last = r["losses"][T - 1] if T else float("nan")
    return dict(final_loss=float(last), C0=[float(c) for c in cons[:, 0]],
                C_final=[float(c) for c in cons[:, T]],
                drift=[abs(c) for c in change] if not diverged else None, S=s,
                ledger_residual=residual, ledger_step_error=step_err,
                accuracy=r["accuracy"], diverged=diverged, steps_run=T)


def set_up(args, sizes, seed):
    rng = np.random.default_rng(seed)
    weights = init_weights(sizes, rng)          # model first, then data (§1.6)
    x, y = gaussian_mixture(args.n, sizes[0], sizes[-1], args.separation, rng)
    return x, y, weights


def one_run(args, sizes, seed, lr, loss):
    x, y, weights = set_up(args, sizes, seed)
    return train(x, y, weights, loss, lr, args.steps)


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
    p.add_argument("--sweep", action="store_true",
                   help="issue 3's sweep: 10 lr × 5 seeds × {mse, cross_entropy}, one after another")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    if args.sweep:
        rates = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03]
        seeds = [42, 137, 256, 512, 1024]
        # Noether's sweep builds its 100 (data, network) pairs before its clock starts;
        # here each run's set-up (data, initial weights) is timed apart and subtracted.
        start = time.perf_counter()
        cpu_start = time.thread_time()
        setup_seconds, setup_cpu = 0.0, 0.0
        loop_seconds, drift_sum, runs = 0.0, 0.0, 0
        for loss in ("mse", "cross_entropy"):
            for seed in seeds:
                for lr in rates:
                    s0, c0 = time.perf_counter(), time.thread_time()
                    x, y, weights = set_up(args, sizes, seed)
                    setup_seconds += time.perf_counter() - s0
                    setup_cpu += time.thread_time() - c0
                    r = train(x, y, weights, loss, lr, args.steps)
                    loop_seconds += r["seconds"]
                    d = summary(r)["drift"]
                    drift_sum += d[0] if d else float("nan")
                    runs += 1
        total = time.perf_counter() - start
        cpu_total = time.thread_time() - cpu_start
        print(json.dumps(dict(kind="sweep", impl="numpy", runs=runs, steps=args.steps,
                              seconds=total, setup_seconds=setup_seconds,
                              seconds_without_setup=total - setup_seconds,
                              cpu_seconds=cpu_total, cpu_seconds_without_setup=cpu_total - setup_cpu,
                              loop_seconds=loop_seconds, drift_sum=drift_sum)))
        return

    times = []
    cpu_times = []
    for _ in range(args.reps):
        r = one_run(args, sizes, args.seed, args.lr, args.loss)
        times.append(r["seconds"])
        cpu_times.append(r["cpu_seconds"])
    out = dict(kind="train", impl="numpy", numpy=np.__version__, sizes=sizes, loss=args.loss,
               lr=args.lr, n=args.n, steps=args.steps, reps=args.reps,
               seconds_best=min(times), seconds_median=statistics.median(times), seconds_all=times,
               cpu_seconds_best=min(cpu_times), cpu_seconds_all=cpu_times)
    out.update(summary(r))
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
