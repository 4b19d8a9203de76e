#!/usr/bin/env python3
"""Runs Noether's benchmark side by side with its references and writes docs/performance.md.

Called by scripts/bench/run after the release build; standard library only (the
references bring their own NumPy / PyTorch). Every raw measurement is kept as JSON
lines under scripts/bench/results/ (ignored by git).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# (name, sizes, loss, lr): Noether's NoetherBench names them alike.
CONFIGS = [
    ("2layer-mse", [20, 64, 5], "mse", 0.001),
    ("2layer-ce", [20, 64, 5], "cross_entropy", 0.001),
    ("2layer-mse-lr0.05", [20, 64, 5], "mse", 0.05),
    ("2layer-ce-lr0.05", [20, 64, 5], "cross_entropy", 0.05),
    ("deep-mse", [20, 32, 32, 32, 32, 5], "mse", 0.001),
]
QUICK_CONFIGS = {"2layer-mse", "2layer-ce", "deep-mse"}
# Issue 13's large run (--large): n = 20 000, 100 steps (NoetherBench fixes both for it).
LARGE_CONFIG = ("large-mse", [20, 1024, 5], "mse", 0.001)
LARGE_RUN = {"large-mse": {"n": 20000, "steps": 100}}

# The script of issue 2 section 6, as the language runs it (`noether --json -e`).
NOETHER_SCRIPT = """data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)
net = mlp({sizes}, activation=relu, bias=false, seed=42)
run = train(net, data, gd(lr={lr}), loss={loss}, steps=2000)
{final}"""


# Issue 13's comparison rows: (results key, environment of NoetherBench).
VARIANTS = (
    ("noether_openblas_choice", {"NOETHER_KEEP_OPENBLAS_CORE": "1"}),
    ("noether_no_small_kernels", {"NOETHER_SMALL_KERNELS": "0"}),
)
# ... and for the large run, the plain step instead of the one blocked over samples.
LARGE_VARIANTS = (("noether_plain_step", {"NOETHER_BLOCKED_STEP": "0"}),)


def numpy_openblas_core(py):
    """The core and build of NumPy's bundled OpenBLAS (scipy-openblas), by ctypes."""
    code = (
        "import numpy, ctypes, glob, os\n"
        "d = os.path.join(os.path.dirname(numpy.__file__), '..', 'numpy.libs')\n"
        "libs = glob.glob(d + '/libscipy_openblas*.so') or glob.glob(d + '/libopenblas*.so')\n"
        "lib = ctypes.CDLL(libs[0])\n"
        "names = [n for n in dir(lib)]\n"
        "for stem in ('get_corename', 'get_config'):\n"
        "    for name in ('scipy_openblas_' + stem + '64_', 'scipy_openblas_' + stem, 'openblas_' + stem + '64_', 'openblas_' + stem):\n"
        "        try:\n"
        "            f = getattr(lib, name)\n"
        "        except AttributeError:\n"
        "            continue\n"
        "        f.restype = ctypes.c_char_p\n"
        "        print(f().decode().strip())\n"
        "        break\n"
    )
    try:
        p = subprocess.run([py, "-c", code], capture_output=True, text=True, env=env_one_thread(), timeout=120)
        lines = p.stdout.strip().splitlines()
        return (lines[0], lines[1]) if len(lines) >= 2 else (None, None)
    except (OSError, subprocess.TimeoutExpired):
        return (None, None)


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def env_one_thread():
    env = dict(os.environ)
    env.update(ONE_THREAD)
    return env


def run_json_lines(cmd, timeout=1800, extra_env=None):
    """Runs cmd (one thread), returns (parsed JSON lines of stdout, wall seconds, error text or None)."""
    start = time.perf_counter()
    env = env_one_thread()
    env.update(extra_env or {})
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return [], time.perf_counter() - start, str(e)
    wall = time.perf_counter() - start
    out = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{") or line.startswith("["):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    err = None if p.returncode == 0 else (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
    return out, wall, err


def wall_times(cmd, reps):
    """Median-able wall-clock seconds of `reps` fresh processes; returns (times, last stdout, error)."""
    times, last, err = [], "", None
    for _ in range(reps):
        start = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, env=env_one_thread(), timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            return times, last, str(e)
        times.append(time.perf_counter() - start)
        last = p.stdout
        if p.returncode != 0:
            return times, last, (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
    return times, last, err


# ---------------------------------------------------------------------------- machine


def machine_info(root):
    info = {"cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        info["cpu"] = m.group(1).strip() if m else platform.processor()
        fam = re.search(r"^cpu family\s*:\s*(\d+)$", text, re.M)
        mod = re.search(r"^model\s*:\s*(\d+)$", text, re.M)
        if fam and mod:
            info["family_model"] = f"family {fam.group(1)}, model {mod.group(1)}"
        m = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
        flags = set(m.group(1).split()) if m else set()
        info["simd"] = " ".join(f for f in ("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl")
                                if f in flags)
        vendor = re.search(r"^vendor_id\s*:\s*(\S+)$", text, re.M)
        info["vendor"] = vendor.group(1) if vendor else "?"
        mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", text, re.M)
        if mhz:
            info["mhz"] = float(mhz.group(1))
            if {"avx2", "fma"} <= flags and ("avx512f" not in flags or info["vendor"] == "AuthenticAMD"):
                # two 256-bit FMA pipes: 2 × 4 doubles × 2 FLOP per cycle (Zen 4 runs
                # AVX-512 on the same two 256-bit pipes)
                info["nominal_peak_gflops"] = 16 * info["mhz"] / 1e3
    except OSError:
        info["cpu"] = platform.processor()
    try:
        info["loadavg"] = open("/proc/loadavg").read().split()[:3]
    except OSError:
        pass
    info["swift"] = first_line(["swift", "--version"])
    info["openblas"] = openblas_version()
    info["python"] = platform.python_version()
    try:
        info["commit"] = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                        text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain"], capture_output=True, text=True).stdout
        if dirty.strip():
            info["commit"] += " + uncommitted changes"
    except OSError:
        pass
    return info


def first_line(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def openblas_version():
    try:
        p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libopenblas0-pthread"], capture_output=True, text=True)
        if p.returncode == 0 and p.stdout:
            return f"{p.stdout} (Debian libopenblas0-pthread)"
    except OSError:
        pass
    p = subprocess.run(["pkg-config", "--modversion", "openblas"], capture_output=True, text=True)
    return p.stdout.strip() or "unknown"


# ---------------------------------------------------------------------------- parts


def noether_bench_exe(root, args):
    return args.bench_exe or os.path.join(root, ".build", "release", "NoetherBench")


def bench_peak(root, args, results):
    """dgemm peak, measured before and after the timings; the larger counts (load only lowers it)."""
    exe = noether_bench_exe(root, args)
    if not os.path.exists(exe):
        return
    cmd = [exe, "--no-train"]
    lines, _, err = run_json_lines(cmd)
    if err:
        results["notes"].append(f"NoetherBench (dgemm peak) failed: {err}")
    for line in lines:
        if line.get("kind") == "dgemm_peak":
            old = results.get("peak")
            if old is None or line["gflops"] > old["gflops"]:
                results["peak"] = line
            results.setdefault("peaks", []).append(line["gflops"])
        elif line.get("kind") == "machine":
            results["machine"]["blas_threads"] = line.get("blas_threads")
            for key in ("openblas_core", "core_reason", "small_kernels", "cpu_features", "blas"):
                if key in line:
                    results["machine"][key] = line[key]


def merge_best(store, name, line):
    """Keeps the fastest repetition over rounds (and every time, for the medians); the best
    thread CPU time separately, where the implementation reports one."""
    old = store.get(name)
    times = (old or {}).get("all_rounds", []) + line.get("seconds_all", [line.get("seconds_best")])
    cpu = (old or {}).get("cpu_seconds_best")
    if line.get("cpu_seconds_best") is not None:
        cpu = line["cpu_seconds_best"] if cpu is None else min(cpu, line["cpu_seconds_best"])
    if old is None or line["seconds_best"] < old["seconds_best"]:
        store[name] = line
    store[name]["all_rounds"] = times
    store[name]["seconds_median_all"] = statistics.median(times)
    if cpu is not None:
        store[name]["cpu_seconds_best"] = cpu


def reference_args(name):
    """--n and --steps for the references where a config is not the 200-sample, 2000-step run."""
    extra = LARGE_RUN.get(name)
    return ["--n", str(extra["n"]), "--steps", str(extra["steps"])] if extra else []


def bench_rounds(root, args, results, configs):
    """In-process training-loop times, interleaved: each round runs every implementation once
    per config, so a slow spell of the shared machine hits all of them alike."""
    exe = noether_bench_exe(root, args)
    have_noether = os.path.exists(exe)
    if not have_noether:
        results["notes"].append("NoetherBench was not built: no in-process Noether figures.")
    refs = []
    for impl, module, script in (("numpy", "numpy", "reference_numpy.py"), ("torch", "torch", "reference_torch.py")):
        py, version = python_for(module)
        if py is None:
            results["notes"].append(f"{module} is not importable: the {impl} reference was skipped"
                                    " (run `scripts/bench/run --setup` to install it into scripts/bench/.venv).")
            continue
        results["versions"][impl] = version
        if impl == "numpy":
            core, config = numpy_openblas_core(py)
            results["machine"]["numpy_openblas_core"] = core
            results["machine"]["numpy_openblas_config"] = config
        refs.append((impl, py, os.path.join(HERE, script)))
    rounds = 2 if args.quick else 3
    for rnd in range(rounds):
        for name, sizes, loss, lr in configs:
            large = name in LARGE_RUN
            if large and rnd > 0:
                continue  # 100 steps over 164 MB matrices: one round (≈ 2–3 CPU-minutes with NumPy)
            if have_noether:
                # No floors for the large run: NoetherBench's floors time the plain step's
                # products, which the blocked step does not run (they came out above it).
                lines, _, err = run_json_lines([exe, "--only", name, "--no-peak", "--reps",
                                                "2" if large else ("3" if args.quick else "5")]
                                               + (["--no-floor"] if large else []))
                train = [l for l in lines if l.get("kind") == "train"]
                if err or not train:
                    results["notes"].append(f"NoetherBench on {name} failed: {err}")
                else:
                    merge_best(results["noether"], name, train[-1])
                # Issue 13: the same binary with OpenBLAS's own choice of core, and without
                # Noether's small-product kernels, so the gain of each stays visible.
                for variant, env in LARGE_VARIANTS if large else VARIANTS:
                    vlines, _, verr = run_json_lines([exe, "--only", name, "--no-peak", "--no-floor", "--reps",
                                                      "2" if large else ("3" if args.quick else "5")],
                                                     extra_env=env)
                    vtrain = [l for l in vlines if l.get("kind") == "train"]
                    if verr or not vtrain:
                        results["notes"].append(f"NoetherBench ({variant}) on {name} failed: {verr}")
                    else:
                        merge_best(results.setdefault(variant, {}), name, vtrain[-1])
                        vm = [l for l in vlines if l.get("kind") == "machine"]
                        if vm:
                            results.setdefault("variant_core", {})[variant] = vm[0].get("openblas_core")
                for f in (l for l in lines if l.get("kind") == "floor"):
                    old = results["floor"].get(name)
                    if old is None:
                        results["floor"][name] = f
                    else:   # the fastest of each floor over the rounds
                        for key in ("gemm_only_seconds", "evaluate_only_seconds", "train_seconds"):
                            old[key] = min(old[key], f[key])
                        old["gemm_only_gflops"] = max(old.get("gemm_only_gflops", 0), f.get("gemm_only_gflops", 0))
            for impl, py, path in refs:
                if impl == "torch" and (rnd >= 2 or large):
                    continue  # slow; two rounds are enough to damp the noise (the large run: NumPy only)
                reps = 1 if large else 2 if impl == "torch" else (3 if args.quick else 5)
                cmd = [py, path, "--sizes", ",".join(map(str, sizes)), "--loss", loss, "--lr", str(lr),
                       "--reps", str(reps)] + reference_args(name)
                lines, _, err = run_json_lines(cmd)
                if err or not lines:
                    results["notes"].append(f"{impl} reference on {name} failed: {err}")
                    continue
                merge_best(results[impl], name, lines[-1])
        if have_noether:
            bench_peak(root, args, results)
        log(f"round {rnd + 1}/{rounds}: " + "; ".join(
            f"{name} " + " ".join(f"{impl} {results[impl][name]['seconds_best']:.3f}"
                                  for impl in ("noether", "numpy", "torch") if name in results[impl])
            for name, *_ in configs))
    return refs


def bench_sweep(root, args, results):
    """Issue 3's sweep on Noether's side (NoetherBench --sweep)."""
    exe = noether_bench_exe(root, args)
    if not os.path.exists(exe) or not args.sweep:
        return
    log("Noether sweep (100 runs, one after another, then on all cores)")
    lines, _, err = run_json_lines([exe, "--no-peak", "--no-train", "--sweep"], timeout=3600)
    if err:
        results["notes"].append(f"NoetherBench sweep failed: {err}")
    for line in lines:
        if line.get("kind") == "sweep":
            results["sweep"]["noether"] = line


def bench_noether_process(root, args, results, configs):
    exe = args.noether_exe or os.path.join(root, ".build", "release", "noether")
    if not os.path.exists(exe):
        results["notes"].append("The `noether` binary was not built yet: whole-process Noether timings skipped.")
        return
    probe, _, err = wall_times([exe, "--json", "-e", "1"], 1)
    if err:
        results["notes"].append(f"`noether --json -e '1'` failed ({err}): whole-process Noether timings skipped.")
        return
    reps = 3 if args.quick else 5
    startup, _, _ = wall_times([exe, "--json", "-e", "1"], reps)
    results["process"]["noether-startup"] = {"times": startup}
    for name, sizes, loss, lr in configs:
        if name in LARGE_RUN:
            continue
        for final in ("[run.seconds, run.loss, run.drift, run.ledger_residual]", "run.seconds"):
            src = NOETHER_SCRIPT.format(sizes=json.dumps(sizes), lr=lr, loss=loss, final=final)
            times, out, err = wall_times([exe, "--json", "-e", src], reps)
            if not err:
                break
        if err:
            results["notes"].append(f"`noether --json -e` on {name} failed: {err}")
            continue
        entry = {"times": times}
        try:
            text = out.strip()
            try:
                value = json.loads(text)                    # --json may pretty-print over several lines
            except ValueError:
                value = json.loads(text.splitlines()[-1])
            if isinstance(value, list):
                entry.update(seconds=value[0], final_loss=value[1], drift=value[2], ledger_residual=value[3])
            elif isinstance(value, dict):
                entry.update(value=value)
            else:
                entry["seconds"] = value
        except (ValueError, IndexError, TypeError):
            entry["stdout"] = out.strip()[-200:]
        results["process"][f"noether:{name}"] = entry
        log(f"noether process {name}: median {statistics.median(times):.3f} s")


def python_for(module):
    """The interpreter to run a reference with: the bench venv when it has `module`, else python3."""
    venv = os.path.join(HERE, ".venv", "bin", "python")
    for py in (venv, shutil.which("python3") or "python3"):
        if os.path.exists(py) or py == "python3":
            p = subprocess.run([py, "-c", f"import {module}; print({module}.__version__)"], capture_output=True,
                               text=True, env=env_one_thread())
            if p.returncode == 0:
                return py, p.stdout.strip()
    return None, None


def bench_reference_processes(refs, args, results, configs):
    """Whole-process wall times of the references (one run each), their start-up, and the sweep."""
    for impl, py, path in refs:
        reps = (2 if args.quick else 3) if impl == "torch" else (3 if args.quick else 5)
        for name, sizes, loss, lr in configs:
            if name in LARGE_RUN:
                continue
            cmd = [py, path, "--sizes", ",".join(map(str, sizes)), "--loss", loss, "--lr", str(lr), "--reps", "1"]
            times, _, err = wall_times(cmd, reps)
            if err:
                results["notes"].append(f"{impl} process run on {name} failed: {err}")
                continue
            results["process"][f"{impl}:{name}"] = {"times": times}
            log(f"{impl} process {name}: median {statistics.median(times):.3f} s")
        module = "torch" if impl == "torch" else "numpy"
        times, _, _ = wall_times([py, "-c", f"import {module}"], 3)
        results["process"][f"{impl}-startup"] = {"times": times}
        if impl == "numpy" and args.sweep:
            log("numpy sweep (100 runs, one after another)")
            lines, _, err = run_json_lines([py, path, "--sweep"], timeout=3600)
            if lines:
                results["sweep"]["numpy"] = lines[-1]
            else:
                results["notes"].append(f"numpy sweep failed: {err}")


HESSIAN_SCRIPTS = {
    "dense Hessian (P=1600) + all eigenvalues":
        "data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)\n"
        "net = mlp([20, 64, 5], activation=relu, bias=false, seed=42)\n"
        "H = hessian(net, data, loss=mse)\n"
        "s = eigs(H)\n"
        "s.max",
    "top eigenvalue, 20 HVPs (power iteration)":
        "data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)\n"
        "net = mlp([20, 64, 5], activation=relu, bias=false, seed=42)\n"
        "power_iteration(net, data, loss=mse, iterations=20)",
}


def bench_hessian(root, args, results):
    """Issue 4's tasks: Noether in-process (NoetherBench --hessian) and as `noether -e`
    processes, and the NumPy and PyTorch references (each a fresh process)."""
    exe = noether_bench_exe(root, args)
    if os.path.exists(exe):
        lines, _, err = run_json_lines([exe, "--no-peak", "--no-train", "--hessian"] + (["--quick"] if args.quick else []))
        if err:
            results["notes"].append(f"NoetherBench --hessian failed: {err}")
        for line in lines:
            if line.get("kind") == "hessian":
                line["impl"] = "noether"
                results["hessian"].setdefault("noether", []).append(line)
    binary = args.noether_exe or os.path.join(root, ".build", "release", "noether")
    if os.path.exists(binary):
        for line in results["hessian"].get("noether", []):
            src = HESSIAN_SCRIPTS.get(line.get("task"))
            if src:
                times, _, err = wall_times([binary, "--json", "-e", src], 3)
                if err:
                    results["notes"].append(f"`noether -e` for '{line['task']}' failed: {err}")
                else:
                    line["process_seconds"] = statistics.median(times)
    for impl, module, script in (("numpy", "numpy", "hessian_numpy.py"), ("torch", "torch", "hessian_torch.py")):
        path = os.path.join(HERE, script)
        py, _ = python_for(module)
        if py is None:
            results["notes"].append(f"{module} is not importable: the {impl} Hessian reference was skipped.")
            continue
        for task in ("dense", "power"):     # each task in its own fresh processes
            walls, best = [], None
            for _ in range(2 if args.quick else 3):
                lines, wall, err = run_json_lines([py, path, "--task", task])
                if err or not lines:
                    results["notes"].append(f"{impl} Hessian reference ({task}) failed: {err}")
                    break
                walls.append(wall)
                if best is None or lines[-1]["seconds"] < best["seconds"]:
                    best = lines[-1]
            if best:
                best["process_seconds"] = statistics.median(walls)
                results["hessian"].setdefault(impl, []).append(best)


# ---------------------------------------------------------------------------- report


def fmt_s(x):
    if x is None:
        return "—"
    if x >= 1:
        return f"{x:.2f} s"
    return f"{x * 1e3:.0f} ms" if x >= 0.01 else f"{x * 1e3:.1f} ms"


def fmt_g(x, digits=3):
    if x is None:
        return "—"
    if isinstance(x, list):
        return ", ".join(fmt_g(v, digits) for v in x)
    if isinstance(x, float) and x != x:
        return "NaN"
    return f"{x:.{digits}g}"


def median_or_none(entry):
    return statistics.median(entry["times"]) if entry and entry.get("times") else None


def verdict(ratio, target, higher_is_better=True):
    if ratio is None:
        return "not measured"
    ok = ratio >= target if higher_is_better else ratio <= target
    return "**met**" if ok else "**not met**"


def write_report(path, results, args, configs):
    m = results["machine"]
    peak = results.get("peak")
    peak_g = peak["gflops"] if peak else None
    limit_g = results.get("limit_peak_gflops", peak_g)
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    L = []
    w = L.append
    w("# Performance")
    w("")
    w(f"Generated by `scripts/bench/run{' --quick' if args.quick else ''}` on {now}"
      f" (commit {m.get('commit', '?')}). Regenerate with `scripts/bench/run`; run"
      " `scripts/bench/run --setup` once to install the PyTorch reference into `scripts/bench/.venv`."
      " Raw measurements: `scripts/bench/results/*.json` (not committed).")
    w("")
    w("## Machine")
    w("")
    w(f"- CPU: {m.get('cpu', '?')} ({m.get('family_model', '')}), {m.get('cores')} cores visible,"
      f" SIMD: {m.get('simd', '?')}{', ~%.0f MHz' % m['mhz'] if m.get('mhz') else ''}.")
    w(f"- Load average when the run started: {', '.join(m.get('loadavg', []))} (the machine is shared:"
      " other builds running at the same time inflate every figure; best-of-repetitions damps that).")
    w(f"- {m.get('swift', '?')}; release build (`swift build -c release`).")
    w(f"- OpenBLAS {m.get('openblas', '?')}, {m.get('blas_threads', 1)} thread;"
      f" NumPy {results['versions'].get('numpy', '—')} (its own bundled OpenBLAS), one thread;"
      f" PyTorch {results['versions'].get('torch', 'not installed')}, one thread. OMP/OPENBLAS/MKL_NUM_THREADS=1.")
    w(f"- Python {m.get('python')}.")
    w(f"- CPU features that decide the kernels: {m.get('cpu_features', '?')} ({m.get('vendor', '?')}).")
    w(f"- OpenBLAS core used by Noether: **{m.get('openblas_core', '?')}** — {m.get('core_reason', '?')}."
      f" NumPy's bundled OpenBLAS: **{m.get('numpy_openblas_core') or '?'}**"
      f" ({m.get('numpy_openblas_config') or 'not found'}).")
    w(f"- Noether's kernels: {m.get('small_kernels', '?')}. libxsmm runs only the thin weight-gradient"
      " products, the one shape class where it measured faster (per-shape table in the analysis below).")
    w("")
    w("## dgemm peak of this core")
    w("")
    if peak:
        seen = ", ".join(f"{g:.1f}" for g in results.get("peaks", []))
        w(f"Square `Matrix.gemm` (cblas_dgemm) products, n = {peak['n']}, one thread, best of"
          f" {len(peak['seconds'])} at the start, after every round and at the end (best of each: {seen}"
          f" GFLOP/s): **{peak_g:.1f} GFLOP/s** measured.")
        nominal = m.get("nominal_peak_gflops")
        if nominal:
            w("")
            w(f"Nominal: 2 FMA pipes × 4 doubles × 2 FLOP × {m['mhz']:.0f} MHz = {nominal:.1f} GFLOP/s; the"
              f" measured peak is {peak_g / nominal:.0%} of it (on a quiet machine OpenBLAS reaches ≈ 99 %).")
        w("")
        w(f"**The FLOP/peak limit of a run is (FLOPs per step × steps) / peak, with peak = {limit_g:.1f}"
          " GFLOP/s**, the larger of the measured and the nominal figure: load from other processes can only"
          " lower the measured one, and a lower peak would make the limit lenient.")
        if nominal and peak_g < 0.9 * nominal:
            w("")
            w("**Warning: the measured peak is well below nominal, so this run was disturbed by other load"
              " (every time below is inflated, the implementations alike only to first order). Re-run on a"
              " quiet machine (`scripts/bench/run --wait-quiet 30`).**")
    else:
        w("Not measured.")
    w("")
    w("## Method")
    w("")
    w("- **Same work everywhere**: the 2000-step full-batch GD run of experiments.md §1 (Gaussian mixture n = 200,"
      " d = 20, K = 5, separation 2.0; bias-free ReLU network; PyTorch default init; MSE = mean over n·K without ½,"
      " CE = mean over n), Float64, recording per step the loss, every C_l, every ||∂L/∂W_l||² and the ledger"
      " (measured ΔC_l beside η²δ_l), statistics at θ_t before the update.")
    w("- **In-process** = the training loop only: Noether's `run.seconds` (timed inside `train`), the references'"
      " `time.perf_counter()` around their loop. The implementations run **interleaved**, in rounds (each round"
      " runs every implementation on every config, several repetitions in one process, Noether after one"
      " warm-up run), so a slow spell of the shared machine hits all alike; the table shows the **best**"
      " repetition over all rounds and ratios use it; every time is in the raw file.")
    w("- **Whole process** = wall clock of a fresh process doing one run (start-up, imports, data, init,"
      " training, output), median of several.")
    w("- NumPy reference (`scripts/bench/reference_numpy.py`): analytic gradients, preallocated buffers,"
      " `out=` everywhere. PyTorch reference (`scripts/bench/reference_torch.py`): `nn.Module` of"
      " `nn.Linear(bias=False)`, `torch.optim.SGD`, `loss.backward()`, `.grad` norms read each step.")
    w("- The large run (`--large`): n = 20 000, sizes 20, 1024, 5, MSE, η = 0.001, 100 steps; Noether and NumPy"
      " only, one round; its \"plain step\" row is the same binary with `NOETHER_BLOCKED_STEP=0`.")
    w("- The random streams differ (Noether's xoshiro256**, NumPy's PCG64, torch's MT19937), so the numbers"
      " differ between implementations; their magnitudes must agree (table at the end).")
    w("")

    # ---- FLOP count
    w("## FLOPs per step (counted analytically by NoetherBench)")
    w("")
    w("| config | forward gemms | backward gemms | elementwise | loss | norms, update, ledger | total |"
      " FLOP/peak limit (whole run) |")
    w("|---|---|---|---|---|---|---|---|")
    for name, *_ in configs:
        r = results["noether"].get(name)
        if not r:
            continue
        f = r["flops"]
        w(f"| {name} | {f['forward_gemm']:,} | {f['backward_gemm']:,} | {f['elementwise']:,} | {f['loss']:,} |"
          f" {f['norms_update_ledger']:,} | **{f['total']:,}** | {fmt_s(r.get('bound_seconds'))} |")
    w("")
    w("One multiply, add, compare or select = 1, an FMA = 2, exp/log = 1 each; see"
      " `Sources/NoetherBench/FlopCount.swift`. The gemms are 96–98 % of the work.")
    w("")

    # ---- times
    w("## Times")
    w("")
    w("| config | Noether in-process | Noether process | NumPy loop | NumPy process | PyTorch loop |"
      " PyTorch process | FLOP/peak limit | Noether GFLOP/s |")
    w("|---|---|---|---|---|---|---|---|---|")
    for name, *_ in configs:
        n = results["noether"].get(name, {})
        npy = results["numpy"].get(name, {})
        tor = results["torch"].get(name, {})
        w(f"| {name} | {fmt_s(n.get('seconds_best'))} | {fmt_s(median_or_none(results['process'].get('noether:' + name)))} |"
          f" {fmt_s(npy.get('seconds_best'))} | {fmt_s(median_or_none(results['process'].get('numpy:' + name)))} |"
          f" {fmt_s(tor.get('seconds_best'))} | {fmt_s(median_or_none(results['process'].get('torch:' + name)))} |"
          f" {fmt_s(n.get('bound_seconds'))} | {fmt_g(n.get('gflops_achieved'))} |")
    w("")
    starts = []
    for key, label in (("noether-startup", "`noether --json -e '1'`"), ("numpy-startup", "`python3 -c 'import numpy'`"),
                       ("torch-startup", "`python -c 'import torch'`")):
        t = median_or_none(results["process"].get(key))
        if t is not None:
            starts.append(f"{label} {fmt_s(t)}")
    if starts:
        w("Process start-up alone (median): " + "; ".join(starts) + ".")
        w("")

    # ---- targets
    w("## Targets (issue 13) and verdicts")
    w("")
    w("Each ratio twice: by wall time (best over the rounds) and by thread CPU time (best over the rounds;"
      " on a loaded shared machine it leaves out the time other processes held the core). The verdict"
      " follows the CPU-time ratio where both sides report one (PyTorch does not: wall time).")
    w("")
    w("| config | target | wall time | CPU time | verdict |")
    w("|---|---|---|---|---|")
    for name, *_ in configs:
        n = results["noether"].get(name)
        if not n:
            continue
        nb = n["seconds_best"]
        ncpu = n.get("cpu_seconds_best")
        npy = results["numpy"].get(name)
        tor = results["torch"].get(name)
        r_np = npy["seconds_best"] / nb if npy else None
        r_np_cpu = npy["cpu_seconds_best"] / ncpu if npy and ncpu and npy.get("cpu_seconds_best") else None
        r_t = tor["seconds_best"] / nb if tor else None
        r_t_cpu = tor["cpu_seconds_best"] / ncpu if tor and ncpu and tor.get("cpu_seconds_best") else None
        r_b = n.get("ratio_to_bound")
        r_b_cpu = ncpu / n["bound_seconds"] if ncpu and n.get("bound_seconds") else None
        deep = name.startswith("deep")
        if name in LARGE_RUN:
            plain = results.get("noether_plain_step", {}).get(name, {})
            w(f"| {name} | (no target) faster than NumPy | {fmt_g(r_np)}× | {fmt_g(r_np_cpu)}× | — |")
            if plain.get("cpu_seconds_best") and ncpu:
                w(f"| {name} | (no target) blocked step against the plain step | "
                  f"{fmt_g(plain['seconds_best'] / nb)}× | {fmt_g(plain['cpu_seconds_best'] / ncpu)}× | — |")
            w(f"| {name} | within 2× of FLOP/peak | {fmt_g(r_b)}× the limit | {fmt_g(r_b_cpu)}× |"
              f" {verdict(r_b_cpu if r_b_cpu is not None else r_b, 2, higher_is_better=False)} |")
            continue
        goal = 2 if deep else 2.3
        w(f"| {name} | ≥ {goal}× faster than NumPy | {fmt_g(r_np)}× | {fmt_g(r_np_cpu)}× |"
          f" {verdict(r_np_cpu if r_np_cpu is not None else r_np, goal)} |")
        if not deep:
            w(f"| {name} | ≥ 15× faster than idiomatic PyTorch | {fmt_g(r_t)}× | {fmt_g(r_t_cpu)}× |"
              f" {verdict(r_t_cpu if r_t_cpu is not None else r_t, 15)} |")
        w(f"| {name} | within 1.5× of FLOP/peak | {fmt_g(r_b)}× the limit | {fmt_g(r_b_cpu)}× |"
          f" {verdict(r_b_cpu if r_b_cpu is not None else r_b, 1.5, higher_is_better=False)} |")
    sw = results["sweep"]
    if sw.get("noether"):
        s = sw["noether"]
        npy = sw.get("numpy") or {}
        # NumPy's time without its 100 set-ups (data, initial weights), as Noether's clock
        # starts after its set-up; older result files lack the split.
        np_wall = npy.get("seconds_without_setup", npy.get("seconds"))
        np_cpu = npy.get("cpu_seconds_without_setup")
        threads = s["threads"]
        r = np_wall / s["parallel_seconds"] if np_wall else None
        r_cpu = np_cpu / s["parallel_cpu_seconds"] if np_cpu and s.get("parallel_cpu_seconds") else None
        r_seq = np_wall / s["sequential_seconds"] if np_wall else None
        r_seq_cpu = np_cpu / s["sequential_cpu_seconds"] if np_cpu and s.get("sequential_cpu_seconds") else None
        w(f"| sweep, 100 runs | ≥ 5× faster than NumPy one after another | {fmt_g(r)}× "
          f"(Noether {fmt_s(s['parallel_seconds'])} on {threads} threads, {fmt_s(s['sequential_seconds'])} on one;"
          f" NumPy {fmt_s(np_wall)} without its set-up) | per core: {fmt_g(r / threads if r else None)}× wall;"
          f" CPU time, all threads: {fmt_g(r_cpu)}× | {verdict(r, 5)} |")
        w(f"| sweep, 100 runs | (per core) one Noether thread against NumPy, both one after another |"
          f" {fmt_g(r_seq)}× | {fmt_g(r_seq_cpu)}× | — |")
    w("")
    if sw.get("noether"):
        w("The sweep's ratio on all cores is a wall-clock ratio and needs the cores free: on a shared machine the"
          " per-core rows (wall time divided by the threads used; CPU time of all threads against NumPy's one)"
          " say what the cores would give. NumPy's time excludes its 100 set-ups (data and initial weights),"
          " which Noether's sweep does before its clock starts.")
        w("")

    # ---- kernel selection (issue 13)
    if any(results.get(v) for v, _ in VARIANTS):
        w("## Kernel selection and small-product kernels (issue 13)")
        w("")
        core = m.get("openblas_core", "?")
        own = results.get("variant_core", {}).get("noether_openblas_choice", "?")
        w(f"The same NoetherBench binary, in the same rounds: as shipped (OpenBLAS core {core}, Noether's small"
          f" kernels on); with `NOETHER_KEEP_OPENBLAS_CORE=1` (OpenBLAS's own choice: {own}); with"
          " `NOETHER_SMALL_KERNELS=0` (every product through cblas_dgemm). Best wall time over all rounds, and"
          " the best thread CPU time (which leaves out the time other processes held the core).")
        w("")
        w("| config | Noether | Noether with OpenBLAS's own choice | Noether without small kernels |"
          " CPU time: Noether | own choice | without small kernels |")
        w("|---|---|---|---|---|---|---|")
        for name, *_ in configs:
            row = [results["noether"].get(name, {})] + [results.get(v, {}).get(name, {}) for v, _ in VARIANTS]
            w(f"| {name} | " + " | ".join(fmt_s(r.get("seconds_best")) for r in row) + " | "
              + " | ".join(fmt_s(r.get("cpu_seconds_best")) for r in row) + " |")
        w("")
        for name, *_ in configs:
            plain = results.get("noether_plain_step", {}).get(name)
            if plain:
                n = results["noether"].get(name, {})
                w(f"{name}: the step blocked over samples {fmt_s(n.get('seconds_best'))} wall,"
                  f" {fmt_s(n.get('cpu_seconds_best'))} CPU; the plain step (`NOETHER_BLOCKED_STEP=0`)"
                  f" {fmt_s(plain.get('seconds_best'))} wall, {fmt_s(plain.get('cpu_seconds_best'))} CPU; final"
                  f" loss {plain.get('final_loss')!r} (plain) against {n.get('final_loss')!r} (blocked).")
                w("")

    # ---- floors
    if results["floor"]:
        w("## Where Noether's time goes (measured floors, thread CPU time)")
        w("")
        w("NoetherBench also times, on the same shapes and for the same number of steps, (a) only the step's"
          " `Matrix.gemm` calls and (b) `Backprop.evaluate` alone (forward, loss, backward; no statistics, no"
          " update), and the whole `train`, in thread CPU time. Their differences split the loop's time.")
        w("")
        w("| config | whole `train` | gemms only | evaluate only | gemm GFLOP/s | gemm share of peak |")
        w("|---|---|---|---|---|---|")
        for name, *_ in configs:
            f = results["floor"].get(name)
            if not f:
                continue
            frac = f["gemm_only_gflops"] / limit_g if limit_g and f.get("gemm_only_gflops") else None
            w(f"| {name} | {fmt_s(f['train_seconds'])} | {fmt_s(f['gemm_only_seconds'])} |"
              f" {fmt_s(f['evaluate_only_seconds'])} | {fmt_g(f.get('gemm_only_gflops'))} |"
              f" {fmt_g(frac, 2)} |")
        w("")

    # ---- same work
    w("## Same work: final numbers side by side")
    w("")
    w("Different random streams give different θ₀ and data, so only magnitudes are comparable. The ledger"
      " residual is |(C(T)−C(0)) − η²ΣΔ| / |C(T)−C(0)| (largest over l), the ledger step error the largest"
      " per-step |ΔC_l − η²δ_l|.")
    w("")
    w("| config | implementation | final loss | C(θ₀) | drift | ledger residual | ledger step error | accuracy |")
    w("|---|---|---|---|---|---|---|---|")
    for name, *_ in configs:
        for impl, label in (("noether", "Noether"), ("numpy", "NumPy"), ("torch", "PyTorch")):
            r = results[impl].get(name)
            if not r:
                continue
            w(f"| {name} | {label} | {fmt_g(r.get('final_loss'), 4)} | {fmt_g(r.get('C0'), 4)} |"
              f" {fmt_g(r.get('drift'))} | {fmt_g(r.get('ledger_residual'), 2)} |"
              f" {fmt_g(r.get('ledger_step_error'), 2)} | {fmt_g(r.get('accuracy'))} |")
        p = results["process"].get("noether:" + name)
        if p and "final_loss" in p:
            w(f"| {name} | Noether (`noether -e`) | {fmt_g(p['final_loss'], 4)} | — | {fmt_g(p.get('drift'))} |"
              f" {fmt_g(p.get('ledger_residual'), 2)} | — | — |")
    w("")

    # ---- curvature (issue 4)
    if results["hessian"]:
        w("## Curvature (issue 4)")
        w("")
        w("The dense Hessian of the 2-layer network (P = 1600, n = 200, MSE, default θ₀) with all its eigenvalues,"
          " and the top eigenvalue from 20 Hessian–vector products. Noether: `hessian` + `eigs` (dsyevd) and"
          " `power_iteration` in process (NoetherBench) and as `noether -e` scripts. NumPy"
          " (`hessian_numpy.py`): the Hessian assembled analytically with matrix products, `np.linalg.eigvalsh`,"
          " power iteration with the exact HVP formulas. PyTorch (`hessian_torch.py`):"
          " `torch.func.hessian` (vectorized forward-over-reverse) + `torch.linalg.eigvalsh`, and PyHessian-style double-backprop"
          " power iteration. Each in-process time is the best of several; \"process\" is the median wall time"
          " of a fresh process doing that one task (start-up and imports included).")
        w("")
        w("| implementation | task | in-process | process | λ_max | notes |")
        w("|---|---|---|---|---|---|")
        for impl, label in (("noether", "Noether"), ("numpy", "NumPy"), ("torch", "PyTorch")):
            for line in results["hessian"].get(impl, []):
                note = line.get("check", "")
                if impl == "noether" and "assembly_seconds" in line:
                    note = f"assembly {fmt_s(line['assembly_seconds'])}, asymmetry {fmt_g(line.get('asymmetry'), 2)}"
                w(f"| {label} | {line.get('task')} | {fmt_s(line.get('seconds'))} | {fmt_s(line.get('process_seconds'))} |"
                  f" {fmt_g(line.get('lambda_max'), 5)} | {note} |")
        w("")
        hn = {l["task"]: l for l in results["hessian"].get("noether", [])}
        hp = {l["task"]: l for l in results["hessian"].get("numpy", [])}
        ht = {l["task"]: l for l in results["hessian"].get("torch", [])}
        dense, power = list(HESSIAN_SCRIPTS)
        rows = []
        if dense in hn:
            nd = hn[dense]["seconds"]
            r = hp[dense]["seconds"] / nd if dense in hp else None
            rows.append(("dense + eigenvalues ≥ 1.3× faster than NumPy", f"{fmt_g(r)}×", verdict(r, 1.3)))
            if dense in hp and hp[dense].get("cpu_seconds") and hn[dense].get("cpu_seconds"):
                r = hp[dense]["cpu_seconds"] / hn[dense]["cpu_seconds"]
                rows.append(("… the same in thread CPU time", f"{fmt_g(r)}×", verdict(r, 1.3)))
            r = ht[dense]["seconds"] / nd if dense in ht else None
            rows.append(("dense + eigenvalues ≥ 3.5× faster than torch.func.hessian + eigvalsh", f"{fmt_g(r)}×", verdict(r, 3.5)))
            if dense in ht and ht[dense].get("cpu_seconds") and hn[dense].get("cpu_seconds"):
                r = ht[dense]["cpu_seconds"] / hn[dense]["cpu_seconds"]
                rows.append(("… the same in thread CPU time", f"{fmt_g(r)}×", verdict(r, 3.5)))
            fl = hn[dense].get("flops_min")
            if fl and limit_g:
                bound = fl / (limit_g * 1e9)
                r = nd / bound
                rows.append(("dense + eigenvalues within 2× of FLOP/peak", f"{fmt_g(r)}× the limit of {fmt_s(bound)}"
                             f" ({fl / 1e9:.2f} GFLOP: analytic assembly + 4/3·P³ tridiagonal reduction)",
                             verdict(r, 2, higher_is_better=False)))
        if power in hn:
            npw = hn[power]["seconds"]
            r = hp[power]["seconds"] / npw if power in hp else None
            rows.append(("top eigenvalue by 20 HVPs no slower than NumPy", f"{fmt_g(r)}×", verdict(r, 1.0)))
            if power in ht and hn[power].get("process_seconds"):
                r = ht[power]["process_seconds"] / hn[power]["process_seconds"]
                rows.append(("20 HVPs ≥ 20× faster than PyHessian-style, fresh process", f"{fmt_g(r)}× (process wall)",
                             verdict(r, 20)))
        if rows:
            w("| target | measured | verdict |")
            w("|---|---|---|")
            for target, measured, v in rows:
                w(f"| {target} | {measured} | {v} |")
            w("")

    if results["notes"]:
        w("## Notes from this run")
        w("")
        for note in results["notes"]:
            w(f"- {note}")
        w("")

    notes = os.path.join(HERE, "analysis.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().rstrip())
        w("")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(L))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--sweep", action="store_true")
    p.add_argument("--hessian", action="store_true")
    p.add_argument("--large", action="store_true", help="also issue 13's large run (n = 20 000, m = 1024, 100 steps)")
    p.add_argument("--output", default=None)
    p.add_argument("--bench-exe", default=None, help="a NoetherBench binary other than .build/release's")
    p.add_argument("--noether-exe", default=None, help="a noether binary other than .build/release's")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="MINUTES",
                   help="first wait up to MINUTES for the 1-minute load average to fall below 1")
    p.add_argument("--report-only", metavar="RESULTS.json",
                   help="rewrite the report from a saved results file, measuring nothing")
    args = p.parse_args()
    root = args.root
    if args.report_only:
        with open(args.report_only) as f:
            results = json.load(f)
        args.quick = not any(name == "2layer-mse-lr0.05" for name in results["noether"])
        configs = [c for c in CONFIGS + [LARGE_CONFIG] if c[0] in results["noether"] or c[0] in results["numpy"]]
        finish_and_write(results, args, configs)
        return
    if args.wait_quiet > 0:
        deadline = time.time() + 60 * args.wait_quiet
        while time.time() < deadline:
            load = float(open("/proc/loadavg").read().split()[0])
            if load < 1.0:
                break
            log(f"load average {load:.2f}; waiting for a quieter machine")
            time.sleep(20)
    configs = [c for c in CONFIGS if not args.quick or c[0] in QUICK_CONFIGS]
    if args.large:
        configs.append(LARGE_CONFIG)
    results = {"machine": machine_info(root), "versions": {}, "noether": {}, "floor": {}, "numpy": {}, "torch": {},
               "process": {}, "sweep": {}, "hessian": {}, "notes": []}
    log(f"machine: {results['machine'].get('cpu')}, load {results['machine'].get('loadavg')}")
    bench_peak(root, args, results)
    refs = bench_rounds(root, args, results, configs)
    bench_sweep(root, args, results)
    bench_noether_process(root, args, results, configs)
    bench_reference_processes(refs, args, results, configs)
    if args.hessian:
        bench_hessian(root, args, results)
    finish_and_write(results, args, configs)


def apply_limits(results):
    """FLOP/peak limits of every Noether config, with the stricter of the measured peak and the
    nominal one (load on the shared cores can only lower the measured peak)."""
    peak = results.get("peak")
    if not peak:
        return
    nominal = results["machine"].get("nominal_peak_gflops") or 0
    results["limit_peak_gflops"] = max(peak["gflops"], nominal)
    for r in results["noether"].values():
        if "flops_per_step" not in r:
            continue
        work = r["flops_per_step"] * r["steps_run"]
        r["gflops_achieved"] = work / r["seconds_best"] / 1e9
        r["bound_seconds_measured"] = work / (peak["gflops"] * 1e9)
        r["bound_seconds"] = work / (results["limit_peak_gflops"] * 1e9)
        r["ratio_to_bound"] = r["seconds_best"] / r["bound_seconds"]
        r["ratio_to_bound_measured"] = r["seconds_best"] / r["bound_seconds_measured"]


def finish_and_write(results, args, configs):
    apply_limits(results)
    if not args.report_only:
        out_dir = os.path.join(HERE, "results")
        os.makedirs(out_dir, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        with open(os.path.join(out_dir, f"bench-{stamp}.json"), "w") as f:
            json.dump(results, f, indent=1, default=str)
    report = args.output or os.path.join(args.root, "docs", "performance.md")
    write_report(report, results, args, configs)
    log(f"wrote {report}")


if __name__ == "__main__":
    main()
