"""vmap over the oracle harness's samples: for every op with a batching rule, one sample run
with a batch of 3 and random ``in_dims`` through ``ember.func.vmap`` equals torch's loop of
unbatched calls, stacked. (One cheap test per op: its first sample that takes a tensor.)"""
import random
import zlib

import numpy as np
import pytest

import ember
from ember.func import _vmap
from tests.oracle import harness

torch = pytest.importorskip("torch")

BATCH = 3
NO_RULE = set(_vmap.no_rule_ops())
SKIP = _vmap.rules.RANDOM | _vmap.rules.DYNAMIC   # random values; data-dependent shapes


def _first_case(spec):
    for case in spec.cases:
        if not case.error and any(harness._is_placeholder(a, "T") or isinstance(a, (list, tuple))
                                  and any(harness._is_placeholder(b, "T") for b in a)
                                  for a in case.args):
            return case
    return None


def _params():
    seen = set()
    for mod, specs in harness.load_specs().items():
        if isinstance(specs, Exception):
            continue
        for spec in specs:
            op = spec.name.rsplit(".", 1)[-1]          # nn.functional.x -> x
            if spec.name in seen or spec.name in NO_RULE or op in SKIP:
                continue
            case = _first_case(spec)
            if case is not None:
                seen.add(spec.name)
                yield pytest.param(spec, case, id=spec.name)


def _leaf_dims(skel, rnd):
    """A random in_dim (or None) for every drawn tensor of an argument skeleton."""
    if isinstance(skel, harness.Drawn):
        if skel.value is None:
            return None
        return rnd.choice([None] + list(range(skel.value.ndim + 1)))
    if isinstance(skel, (tuple, list)):
        return [_leaf_dims(s, rnd) for s in skel]
    return None


def _stack(samples, dims):
    """Sample skeletons -> one skeleton whose batched tensors hold the samples at ``dims``."""
    first = samples[0]
    if isinstance(first, harness.Drawn):
        if dims is None or first.value is None:
            return first
        value = np.stack([s.value for s in samples], axis=dims)
        return harness.Drawn(value, first.dtype, first.noncontig, False)
    if isinstance(first, (tuple, list)):
        return type(first)(_stack([s[i] for s in samples],
                                  dims[i] if isinstance(dims, list) else dims)
                           for i in range(len(first)))
    return first


def _in_dims(dims):
    """in_dims for vmap: a list argument (cat's tensors) gets one dim for all its tensors."""
    out = []
    for d in dims:
        if isinstance(d, list):
            ints = [x for x in d if x is not None]
            d = None if not ints or len(ints) != len(d) else min(ints)
        out.append(d)
    return tuple(out)


def _uniform_list_dims(skel, dims):
    return [(_in_dims([d])[0] if isinstance(d, list) else d) for d in dims]


def _run_loop(spec, samples, kwargs):
    outs = []
    for s in samples:
        args = harness.build(s, torch, False, [])
        out = harness._call(spec, torch, args, harness.build(kwargs, torch, False, []))
        outs.append(spec.output(out) if spec.output else out)
    return outs


def _stack_torch(outs):
    first = outs[0]
    if isinstance(first, torch.Tensor):
        return torch.stack(outs)
    if isinstance(first, (tuple, list)):
        items = [_stack_torch([o[i] for o in outs]) for i in range(len(first))]
        return type(first)(items) if type(first) in (tuple, list) else type(first)(*items)
    raise TypeError(f"non-tensor output {type(first).__name__}")


@pytest.mark.parametrize("spec, case", list(_params()))
def test_vmap_matches_loop(spec, case):
    seed = zlib.crc32(spec.name.encode())
    dtype = "float64" if "float64" in spec.dtypes else spec.dtypes[0]
    draws = [harness.draw(case.args, dtype, np.random.default_rng(seed + i))
             for i in range(BATCH)]
    kwargs = harness.draw(case.kwargs, dtype, np.random.default_rng(seed))
    dims = _uniform_list_dims(draws[0], _leaf_dims(draws[0], random.Random(seed)))
    try:
        _check(spec, draws, kwargs, dims, dtype)
    except RuntimeError as exc:
        if "Batching rule not implemented" not in str(exc) and "dynamic shape" not in str(exc):
            raise
        # a rule may support only some batched arguments: then the first one alone
        first = next(i for i, a in enumerate(draws[0]) if _is_tensor_arg(a))
        try:
            _check(spec, draws, kwargs,
                   [0 if i == first else None for i in range(len(dims))], dtype)
        except RuntimeError as exc:   # as torch's vmap: e.g. batch_norm updating its stats
            if "Batching rule not implemented" not in str(exc) and \
                    "dynamic shape" not in str(exc):
                raise
            pytest.skip(f"the rule does not cover this sample: {exc}")


def _is_tensor_arg(a):
    if isinstance(a, (list, tuple)):
        return any(_is_tensor_arg(b) for b in a)
    return isinstance(a, harness.Drawn) and a.value is not None


def _check(spec, draws, kwargs, dims, dtype):
    if all(d is None for d in dims):   # at least the first tensor is mapped
        dims[next(i for i, a in enumerate(draws[0]) if _is_tensor_arg(a))] = 0
    # unmapped arguments are the same in every sample
    samples = [[a if d is not None else draws[0][k] for k, (a, d) in enumerate(zip(s, dims))]
               for s in draws]
    try:
        expected = _stack_torch(_run_loop(spec, samples, kwargs))
    except (RuntimeError, ValueError, IndexError, TypeError) as exc:
        pytest.skip(f"torch rejects a drawn sample: {exc}")
    stacked = _stack(samples, dims)
    args = harness.build(stacked, ember, False, [])
    ekw = harness.build(kwargs, ember, False, [])

    def f(*a):
        out = harness._call(spec, ember, a, ekw)
        return spec.output(out) if spec.output else out
    got = ember.func.vmap(f, in_dims=_in_dims(dims))(*args)
    rtol, atol = harness.tolerance(spec, dtype)
    harness.compare(got, expected, rtol, atol, values=spec.values)
