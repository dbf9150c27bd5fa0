"""Speed of real libraries on Ember: each ecosystem script of the test suite (timm,
transformers, Lightning, torchmetrics, torchinfo, einops/rotary/torchdiffeq) runs under
``python -m ember.run`` and under real PyTorch, alternately, and its workload time (from after
the imports to the end, printed by the scripts with ``ECOSYSTEM_TIMING=1``) is compared.
Both read byte-code from a private cache, as installed packages do (one untimed run writes it).

    python -m benchmarks.ecosystem [--rounds N] [--only timm,lightning] [--no-write]

writes benchmarks/results/ecosystem.md.  The ratio is torch's time / Ember's time (above 1:
Ember is faster), the same sense as the eager benchmarks' ember/torch rates.
"""
import argparse
import importlib.util
import pathlib
import statistics
import subprocess
import sys
import tempfile

from . import machine
from .probes import bytecode_env

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "ecosystem"
RESULTS = ROOT / "benchmarks" / "results"
CASES = {   # name -> (script, libraries it needs, what it runs)
    "timm": ("timm_run.py", ("timm",), "resnet18 / efficientnet_b0 / vit_tiny: 3 train steps "
             "+ eval each"),
    "transformers": ("transformers_run.py", ("transformers",), "tiny GPT-2 and BERT: train "
                     "step, generate 10 tokens, save/load"),
    "lightning": ("lightning_run.py", ("lightning",), "Trainer fit 2 epochs, validate, "
                  "predict, resume"),
    "torchmetrics": ("torchmetrics_run.py", ("torchmetrics",), "Accuracy, F1, AUROC, MSE over "
                     "several updates"),
    "torchinfo": ("torchinfo_run.py", ("torchinfo",), "summary() of a CNN and resnet18"),
    "small": ("small_libs_run.py", ("einops", "rotary_embedding_torch", "torchdiffeq"),
              "einops, rotary embeddings, odeint / odeint_adjoint"),
}


def workload_seconds(args):
    """The workload time one run of ``args`` prints; it runs in a temporary folder, so what
    the libraries write there stays out of the repository."""
    env = dict(bytecode_env(), ECOSYSTEM_TIMING="1", PYTHONHASHSEED="0", HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", PYTHONWARNINGS="ignore")
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                              env=env, timeout=1800)
    times = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("TIME ")]
    if proc.returncode or not times:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return float(times[-1])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(prog="python -m benchmarks.ecosystem",
                                description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", help="comma-separated: " + ", ".join(CASES))
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    names = a.only.split(",") if a.only else list(CASES)
    rows = []
    for name in names:
        script, needs, what = CASES[name]
        script, reference = str(SCRIPTS / script), str(SCRIPTS / "reference.py")
        missing = [lib for lib in needs if importlib.util.find_spec(lib) is None]
        if missing:
            rows.append(f"| {name} | {what} | not installed: {', '.join(missing)} | | | |")
            continue
        ember_s, torch_s = [], []
        workload_seconds(["-m", "ember.run", script])     # untimed: writes both byte-code caches
        workload_seconds([reference, script])
        for _ in range(a.rounds):   # alternate, so machine noise hits both alike
            ember_s.append(workload_seconds(["-m", "ember.run", script]))
            torch_s.append(workload_seconds([reference, script]))
        e, t = statistics.median(ember_s), statistics.median(torch_s)
        print(f"{name}: ember {e:.2f} s, torch {t:.2f} s, torch/ember {t / e:.2f}", flush=True)
        rows.append(f"| {name} | {what} | {e:.2f} | {t:.2f} | **{t / e:.2f}** |")
    import ember
    import torch
    text = "\n".join([
        "# Ecosystem libraries: workload time on Ember vs PyTorch", "",
        *machine.describe(machine.numpy_blas(), {"ember": ember, "torch": torch}),
        f"- Command: `python -m benchmarks.ecosystem {' '.join(argv)}`".rstrip()
        + f" ({a.rounds} round(s), alternated)", "",
        "| library | workload | ember s | torch s | torch / ember |",
        "|---|---|---|---|---|", *rows, "",
        "Seconds: median over the rounds of the time from after the imports to the end of the "
        "script (`ECOSYSTEM_TIMING=1`, see tests/ecosystem/_common.py). torch / ember above 1 "
        "means Ember is faster; compare with the eager model benchmarks in cpu.md.", ""])
    print("\n" + text)
    if not a.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "ecosystem.md").write_text(text)
        print(f"wrote {RESULTS / 'ecosystem.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
