"""What Ember runs on, for bug reports: ``python -m ember.info`` (or
``python -m ember.utils.collect_env``, as ``torch.utils.collect_env`` in PyTorch).

Versions of Ember and of the libraries it uses (read from package metadata: nothing optional is
imported), the operating system, the CPU and its vector extensions, NumPy's BLAS and its
threads, and which backends can run (CPU; CUDA through CuPy; the test-only fake CUDA).
"""
import importlib.metadata
import os
import platform
import sys

# Optional packages, each with the pip extra that brings it.
_OPTIONAL = (("tqdm", "examples"), ("matplotlib", "examples"), ("Pillow", "vision"),
             ("safetensors", "test"), ("onnx", "onnx"), ("onnxruntime", "onnx"),
             ("mpi4py", "distributed"), ("cupy-cuda12x", "cuda"), ("tensorboard", "test"),
             ("threadpoolctl", "bench"))
_VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "neon",
                 "asimd", "sve")


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu():
    """(model name, vector extensions) from /proc/cpuinfo, or what ``platform`` knows."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name":
                    model = value.strip()
                elif key in ("flags", "Features") and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return model, [f for f in _VECTOR_FLAGS if f in flags]


def _blas():
    """NumPy's BLAS as threadpoolctl sees it (library, version, kernel, threads)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see it)"
    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl inspects)
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not pools:
        return "not found by threadpoolctl"
    p = pools[0]
    return (f"{p.get('internal_api')} {p.get('version')}, kernel {p.get('architecture')}, "
            f"{p.get('num_threads')} threads")


def _backends():
    import ember
    lines = ["CPU (NumPy): available"]
    cupy = _version("cupy-cuda12x") or _version("cupy-cuda11x") or _version("cupy")
    if ember.cuda.is_available():
        name = ember.cuda.get_device_name(0) if hasattr(ember.cuda, "get_device_name") else ""
        lines.append(f"CUDA: available, {ember.cuda.device_count()} device(s) {name}".rstrip())
    else:
        lines.append("CUDA: not available" + ("" if cupy else
                                              " (needs CuPy: pip install 'ember[cuda]')"))
    if os.environ.get("EMBER_FAKE_CUDA"):
        lines.append(f"fake CUDA (tests): on (EMBER_FAKE_CUDA={os.environ['EMBER_FAKE_CUDA']})")
    return lines


def get_env_info():
    """The report as (label, value) pairs."""
    import ember
    model, vector = _cpu()
    env = [(k, os.environ[k]) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                        "OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ]
    info = [
        ("Ember version", ember.__version__),
        ("Follows PyTorch", "2.13 (the behaviour Ember reproduces)"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()}, "
                   f"{sys.executable})"),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("CPU", f"{model}, {os.cpu_count()} logical CPUs"),
        ("CPU vector extensions", ", ".join(vector) or "none found"),
        ("NumPy", _version("numpy")),
        ("NumPy BLAS", _blas()),
        ("ml_dtypes", _version("ml_dtypes")),
    ]
    info += [("Environment " + k, v) for k, v in env]
    info += [("Backend", line) for line in _backends()]
    for dist, extra in _OPTIONAL:
        info.append((dist, _version(dist) or f"not installed (pip install 'ember[{extra}]')"))
    return info


def get_pretty_env_info():
    """The report as text, one ``label: value`` line each."""
    info = get_env_info()
    width = max(len(label) for label, _ in info)
    return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in info)


def main():
    print("Collecting environment information...")
    print(get_pretty_env_info())


if __name__ == "__main__":
    main()
