"""Forward-mode AD against PyTorch's OpInfo database.

For each OpInfo with ``supports_forward_ad`` that maps to ember (``opinfo_adapter``), a few
float64 SampleInputs run inside ``forward_ad.dual_level`` in torch and in ember, every input
that requires grad made dual with the same random tangent; outputs and tangents are compared.

    python -m tests.oracle.opinfo_forward_ad [--samples N]   # counts and failures
"""
import argparse
import itertools
import warnings

import numpy as np

import ember

from . import harness
from .opinfo_adapter import (Unconvertible, convert, count_statuses, ember_callable, op_db,
                             opinfo_id, print_failures, _grad_fn_for)
from .opinfo_skips import VALUES_UNDEFINED, draws_random

RTOL, ATOL = 1e-6, 1e-8


def _replace(obj, table):
    """``obj`` with each tensor whose id is in ``table`` replaced by ``table[id]``."""
    if id(obj) in table:
        return table[id(obj)]
    if isinstance(obj, (tuple, list)) and not hasattr(obj, "_fields"):
        return type(obj)(_replace(x, table) for x in obj)
    if isinstance(obj, dict):
        return {k: _replace(v, table) for k, v in obj.items()}
    return obj


def _run(lib, fn, post, args, kwargs, leaves, tangents):
    """``fn()`` gives the function to call, looked up inside the level: a reference taken
    before it is the plain op, which carries no tangent (docs/forward_ad.md)."""
    fw = lib.autograd.forward_ad
    with fw.dual_level():
        fn = fn()
        table = {id(x): fw.make_dual(x.detach(), lib.from_numpy(t))
                 for x, t in zip(leaves, tangents)}
        out = fn(*_replace(args, table), **_replace(kwargs, table))
        if post is not None:
            out = post(out)
        return [(o.detach(), fw.unpack_dual(o).tangent) for o in harness.tensor_leaves(out)
                if isinstance(o, lib.Tensor)]


def run_sample(op, sample, seed, values):
    memo, leaves = {}, []
    try:
        e_args = convert((sample.input, *sample.args), memo, leaves)
        e_kwargs = convert(dict(sample.kwargs), memo, leaves)
    except Unconvertible as exc:
        return f"skip: {exc}"
    if not leaves:
        return "skip: no differentiable input"
    rng = np.random.default_rng(seed)
    tangents = [rng.standard_normal(tuple(t.shape)) for t, _ in leaves]
    try:
        t_res = _run(__import__("torch"), lambda: op.op, sample.output_process_fn_grad,
                     (sample.input, *sample.args), dict(sample.kwargs),
                     [t for t, _ in leaves], tangents)
    except Exception as exc:  # noqa: BLE001 - torch rejecting its own sample
        return f"skip: torch raised {type(exc).__name__}"
    e_res = _run(ember, lambda: ember_callable(op), _grad_fn_for(sample.output_process_fn_grad),
                 e_args, e_kwargs,
                 [e for _, e in leaves], tangents)
    assert len(e_res) == len(t_res), "different number of outputs"
    for (ep, et), (tp, tt) in zip(e_res, t_res):
        if values:
            np.testing.assert_allclose(harness.to_numpy(ep), harness.to_numpy(tp), RTOL, ATOL)
        if tt is None or not (tp.is_floating_point() or tp.is_complex()):
            continue
        assert et is not None, "torch gives a tangent, ember none"
        if values:
            np.testing.assert_allclose(harness.to_numpy(et.detach()),
                                       harness.to_numpy(tt.detach()), 1e-5, 1e-7)
    return None


def run_opinfo(op, limit):
    """-> (status, first failure): 'not implemented', 'no samples', 'pass' or 'fail'."""
    import torch
    if ember_callable(op) is None:
        return "not implemented", ""
    if torch.float64 not in op.supported_dtypes("cpu"):
        return "no samples", ""
    oid = opinfo_id(op)
    ran, first = 0, ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, sample in enumerate(itertools.islice(
                op.sample_inputs("cpu", torch.float64, requires_grad=True), limit)):
            values = oid not in VALUES_UNDEFINED and not draws_random(oid, sample)
            try:
                res = run_sample(op, sample, i, values)
            except Exception as exc:  # noqa: BLE001 - counted, the first one kept
                first = first or f"sample {i}: {type(exc).__name__}: " \
                                 f"{str(exc).strip().splitlines()[0][:160]}"
                ran += 1
                continue
            ran += res is None
    if not ran:
        return "no samples", ""
    return ("fail" if first else "pass"), first


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args(argv)
    rows = [(opinfo_id(op), *run_opinfo(op, args.samples))
            for op in op_db() if op.supports_forward_ad]
    counts = count_statuses(rows, ("pass", "fail", "no samples", "not implemented"))
    mapped = counts["pass"] + counts["fail"]
    print(f"OpInfos with supports_forward_ad: {len(rows)}; mapped to ember with samples: "
          f"{mapped}; passing: {counts['pass']} ({100 * counts['pass'] / max(mapped, 1):.1f}%)"
          f"; no samples: {counts['no samples']}; not in ember: {counts['not implemented']}")
    print_failures(rows)
    return rows


if __name__ == "__main__":
    main()
