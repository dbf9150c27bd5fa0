"""vmap against PyTorch's OpInfo database.

For each OpInfo that maps to ember (``opinfo_adapter``), the first SampleInput (float64 when
the OpInfo has it) is batched: every tensor of the positional arguments gets a batch of 3 along
a random dim, or stays unbatched (``None``), at least one batched.  Batch element 0 is the
sample itself; elements 1 and 2 scale floating tensors by random factors near 1 (so the rule
must keep samples apart, and domains such as positive-definite matrices still hold); integer
and bool tensors (indices, masks) are repeated.  ``torch.func.vmap`` on those inputs is the
reference: an OpInfo torch's vmap rejects on the sample (random ops under ``randomness="error"``,
dynamic shapes...) counts as unsupported by torch.  Ember's ``vmap`` must give torch's outputs
(values, dtypes, shapes).

    python -m tests.oracle.opinfo_vmap [--samples N]   # counts and failures
"""
import argparse
import itertools
import warnings

import numpy as np

import ember

from . import harness
from .opinfo_adapter import (RTOL, ATOL, Unconvertible, convert, count_statuses,
                             ember_callable, op_db, opinfo_id, print_failures,
                             sample_dtype, _grad_fn_for)
from .opinfo_skips import NON_UNIQUE, VALUES_UNDEFINED, draws_random

BATCH = 3
TORCH_REJECTS = "skip: torch's vmap rejects the sample"


def _batched_tensor(t, dim, rng):
    import torch
    if t.is_floating_point() or t.is_complex():
        scales = [1.0, *(1.0 + 0.1 * rng.uniform(-1, 1, 2))]
        items = [t * s if s != 1.0 else t for s in scales]
    else:
        items = [t] * BATCH
    return torch.stack([x.detach() for x in items], dim=dim)


def _batch(obj, rng):
    """(batched argument, its in_dims pytree): tensors batched along a random dim or None."""
    import torch
    if isinstance(obj, torch.Tensor):
        dim = rng.choice([None, *range(obj.dim() + 1)])
        return (obj, None) if dim is None else (_batched_tensor(obj, int(dim), rng), int(dim))
    if isinstance(obj, (tuple, list)) and not isinstance(obj, torch.Size) and \
            any(isinstance(x, torch.Tensor) for x in obj):
        pairs = [_batch(x, rng) for x in obj]
        return type(obj)(p[0] for p in pairs), type(obj)(p[1] for p in pairs)
    return obj, None


def _force_first(args, dims, rng):
    """With no tensor batched, batch the first tensor argument along dim 0."""
    import torch
    for i, a in enumerate(args):
        if isinstance(a, torch.Tensor):
            args[i], dims[i] = _batched_tensor(a, 0, rng), 0
            return


def batched_sample(sample, rng):
    """(positional arguments, in_dims) for one sample, or None if it has no tensor argument."""
    import torch
    pairs = [_batch(a, rng) for a in (sample.input, *sample.args)]
    args, dims = [p[0] for p in pairs], [p[1] for p in pairs]
    if not any(isinstance(d, int) for d in _leaves(dims)):
        if not any(isinstance(a, torch.Tensor) for a in args):
            return None
        _force_first(args, dims, rng)
    return args, dims


def _leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [x for t in tree for x in _leaves(t)]
    return [tree]


def _function(fn, kwargs, post):
    """The vmapped function.  ``fn()`` gives the op, looked up inside vmap: a reference taken
    before is the plain function, not the one vmap binds (docs/func.md)."""
    def f(*args):
        out = fn()(*args, **kwargs)
        return out if post is None else post(out)
    return f


def run_sample(op, sample, seed, values):
    """None (pass), 'skip: ...', or raises AssertionError."""
    import torch
    rng = np.random.default_rng(seed)
    batched = batched_sample(sample, rng)
    if batched is None:
        return "skip: no tensor argument"
    args, dims = batched
    oid = opinfo_id(op)
    post = sample.output_process_fn_grad if oid in NON_UNIQUE else None
    try:
        memo = {}
        e_args = convert(tuple(args), memo, [])
        e_kwargs = convert(dict(sample.kwargs), memo, [])
    except Unconvertible as exc:
        return f"skip: {exc}"
    try:
        expected = torch.func.vmap(_function(lambda: op.op, dict(sample.kwargs), post),
                                   in_dims=tuple(dims))(*args)
    except Exception:  # noqa: BLE001 - torch's vmap does not support the sample
        return TORCH_REJECTS
    try:
        got = ember.func.vmap(_function(lambda: ember_callable(op), e_kwargs, _grad_fn_for(post)),
                              in_dims=tuple(dims))(*e_args)
    except Exception as exc:  # noqa: BLE001 - the finding
        raise AssertionError(f"ember raised {type(exc).__name__}: {exc}") from exc
    harness.compare(got, expected, RTOL, ATOL, values=values)
    return None


def run_opinfo(op, limit=1):
    """-> (status, first failure): 'not implemented', 'no samples', 'torch rejects', 'pass' or
    'fail'.  Up to ``limit`` samples that torch's vmap accepts are compared."""
    import torch
    if ember_callable(op) is None:
        return "not implemented", ""
    dtype = torch.float64 if torch.float64 in op.supported_dtypes("cpu") else sample_dtype(op)
    if dtype is None:
        return "no samples", ""
    oid = opinfo_id(op)
    ran, rejected, first = 0, 0, ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, sample in enumerate(itertools.islice(
                op.sample_inputs("cpu", dtype, requires_grad=False), 4 * limit)):
            if ran == limit:
                break
            values = oid not in VALUES_UNDEFINED and not draws_random(oid, sample)
            try:
                res = run_sample(op, sample, i, values)
            except Exception as exc:  # noqa: BLE001 - counted, the first one kept
                first = first or f"sample {i}: {type(exc).__name__}: " \
                                 f"{str(exc).strip().splitlines()[0][:160]}"
                ran += 1
                continue
            ran += res is None
            rejected += res == TORCH_REJECTS
    if not ran:
        return ("torch rejects" if rejected else "no samples"), ""
    return ("fail" if first else "pass"), first


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="OpInfo ids")
    args = parser.parse_args(argv)
    rows = [(opinfo_id(op), *run_opinfo(op, args.samples)) for op in op_db()
            if not args.only or opinfo_id(op) in args.only]
    counts = count_statuses(rows, ("pass", "fail", "torch rejects", "no samples", "not implemented"))
    supported = counts["pass"] + counts["fail"]
    print(f"OpInfos: {len(rows)}; mapped to ember and vmapped by torch: {supported}; passing: "
          f"{counts['pass']} ({100 * counts['pass'] / max(supported, 1):.1f}%); torch's vmap "
          f"rejects: {counts['torch rejects']}; no samples: {counts['no samples']}; not in "
          f"ember: {counts['not implemented']}")
    print_failures(rows)
    return rows


if __name__ == "__main__":
    main()
