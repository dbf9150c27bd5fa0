"""The prepared GPU check: one command, about 8 minutes on one GPU, writes
``benchmarks/results/gpu.md``.

    python -m benchmarks.gpu_check [--budget SECONDS] [--skip-tests]

1. ``ember.cuda.is_available()`` and the device (name, capability, memory); without a working
   CUDA it says why and what to install, writes that to the report and exits 0.
2. The oracle harness subset on ``cuda`` (``EMBER_ORACLE_DEVICE=cuda EMBER_ORACLE_SUBSET=1``:
   every case of every op in one dtype), then the nn/optim tests with ember's tensors on
   ``cuda`` (``EMBER_TEST_DEVICE=cuda``); pass/fail counts and the first failures.
3. Training-step benchmarks on the GPU against torch on the same GPU when torch there has CUDA:
   MLP, LeNet, ResNet-18/CIFAR at batch 128 (fp32 and bf16 autocast), a 4-layer 768-wide
   Transformer (fp32 and bf16 autocast) and tiny-op overhead, in steps (calls) per second.

Each part gets a share of ``--budget`` (default 480 s) and stops there, saying so.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "results" / "gpu.md"
NN_TESTS = ["tests/test_nn_basic.py", "tests/test_nn_conv.py", "tests/test_nn_pool.py",
            "tests/test_nn_loss.py", "tests/test_nn_norm.py", "tests/test_nn_rnn.py",
            "tests/test_nn_transformer.py", "tests/test_optim.py"]
# issue 18's bar: torch 2.11 eager on an H100, steps/s
REFERENCE = {"resnet18_fp32": 125, "resnet18_bf16": 102, "transformer_fp32": 46,
             "transformer_bf16": 93}


def device_summary():
    import ember
    if not ember.cuda.is_available():
        from ember import _backend
        return None, (f"CUDA unavailable: {_backend.cuda_unavailable_reason()}. Install the "
                      "extra with `pip install 'ember[cuda]'` (cupy-cuda12x; cupy-cuda11x / "
                      "cupy-cuda13x for other CUDA versions).")
    p = ember.cuda.get_device_properties(0)
    return p, (f"{p.name}, compute capability {p.major}.{p.minor}, "
               f"{p.total_memory / 2**30:.1f} GiB, {p.multi_processor_count} SMs")


def run_pytest(args, env, timeout):
    """(summary line, failing test ids, seconds) of one pytest run."""
    t0 = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "-W", "ignore", "--tb=line", *args], cwd=ROOT, timeout=timeout,
                             env={**os.environ, **env}, capture_output=True, text=True).stdout
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        out += f"\nstopped after {timeout:.0f} s (budget)"
    lines = out.strip().splitlines()
    summary = next((ln for ln in reversed(lines) if re.search(r"\d+ (passed|failed)", ln)),
                   lines[-1] if lines else "no output")
    failed = [ln[len("FAILED "):] for ln in lines if ln.startswith("FAILED ")]
    return summary, failed, time.perf_counter() - t0


# ---- benchmarks -----------------------------------------------------------------------------
def _sync(lib):
    lib.cuda.synchronize()


def _train_state(lib, build, shape, dtype_autocast):
    from benchmarks import models
    model = build(lib).to("cuda")
    opt = lib.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    x, y = models.random_batch(lib, shape)
    return model, opt, x.to("cuda"), y.to("cuda"), lib.nn.CrossEntropyLoss(), dtype_autocast


def _train_step(lib, state):
    model, opt, x, y, loss_fn, autocast = state
    opt.zero_grad()
    if autocast:
        with lib.autocast("cuda", dtype=lib.bfloat16):
            loss = loss_fn(model(x), y)
    else:
        loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


def _tiny_state(lib, *_):
    return lib.ones(8, device="cuda"), lib.ones(8, device="cuda")


def _tiny_step(lib, state):
    x, y = state
    for _ in range(100):
        x = x * y + 1.0


def workloads():
    from benchmarks import models
    import functools
    t768 = functools.partial(models.transformer_classifier, d_model=768, heads=12, layers=4)
    train = []
    for key, build, shape in (("mlp", models.mlp, (128, 1, 28, 28)),
                              ("lenet", models.lenet, (128, 1, 28, 28)),
                              ("resnet18", models.resnet18_cifar, (128, 3, 32, 32)),
                              ("transformer", t768, (32, 128, 768))):
        for amp in ((False, True) if key in ("resnet18", "transformer") else (False,)):
            train.append((f"{key}_{'bf16' if amp else 'fp32'}", functools.partial(
                _train_state, build=build, shape=shape, dtype_autocast=amp), _train_step))
    return train + [("tiny_op_x100", _tiny_state, _tiny_step)]


def _rate(lib, setup, step, seconds):
    state = setup(lib)
    step(lib, state)          # warm-up: kernels compiled, pool filled
    _sync(lib)
    n, t0 = 0, time.perf_counter()
    while True:
        step(lib, state)
        n += 1
        _sync(lib)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds or n >= 200:
            return n / elapsed


def benchmark(deadline):
    import ember
    libs = {"ember": ember}
    try:
        import torch
        if torch.cuda.is_available():
            libs["torch"] = torch
    except ImportError:
        pass
    rows = []
    for key, setup, step in workloads():
        left = deadline - time.perf_counter()
        if left < 10:
            rows.append((key, None, None, "skipped: out of budget"))
            continue
        got = {}
        for name, lib in libs.items():
            try:
                got[name] = _rate(lib, lambda lb: setup(lb), step, min(6.0, left / 10))
            except Exception as exc:  # noqa: BLE001 - reported in the table
                got[name] = f"{type(exc).__name__}: {str(exc)[:80]}"
        rows.append((key, got.get("ember"), got.get("torch"), ""))
    return rows, "torch" in libs


def _cell(v):
    return "-" if v is None else v if isinstance(v, str) else f"{v:.3g}"


def write_report(lines):
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {REPORT.relative_to(ROOT)}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budget", type=float, default=480.0, help="seconds for the whole check")
    ap.add_argument("--skip-tests", action="store_true", help="benchmarks only")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    lines = ["# GPU check (`python -m benchmarks.gpu_check`)", ""]
    props, desc = device_summary()
    lines += [f"Device: {desc}", ""]
    if props is None:
        lines.append("Nothing run: no working CUDA here (the on-GPU run is pending).")
        write_report(lines)
        return 0
    if not args.skip_tests:
        for title, env, files, share in (
                ("Oracle harness on cuda (subset: every op)",
                 {"EMBER_ORACLE_DEVICE": "cuda", "EMBER_ORACLE_SUBSET": "1"},
                 ["tests/test_oracle.py"], 0.35),
                ("nn / optim tests on cuda", {"EMBER_TEST_DEVICE": "cuda"}, NN_TESTS, 0.15)):
            summary, failed, secs = run_pytest(files, env, args.budget * share)
            lines += [f"## {title}", "", f"{summary} ({secs:.0f} s)", ""]
            lines += [f"- {f}" for f in failed[:30]]
            lines += [f"- ... {len(failed) - 30} more" if len(failed) > 30 else "", ""]
    rows, with_torch = benchmark(start + args.budget)
    lines += ["## Training steps per second (tiny_op_x100: calls per second)", "",
              "| workload | ember | torch | ember / torch | issue's bar (torch 2.11, H100) |",
              "| --- | --- | --- | --- | --- |"]
    for key, e, t, note in rows:
        ratio = f"{e / t:.2f}" if isinstance(e, float) and isinstance(t, float) else "-"
        bar = REFERENCE.get(key, "")
        lines.append(f"| {key} | {_cell(e)} | {_cell(t)} | {ratio} | {bar} | {note}".rstrip())
    if not with_torch:
        lines += ["", "torch with CUDA is not installed here: no torch column."]
    lines += ["", f"Total {time.perf_counter() - start:.0f} s."]
    write_report(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
