"""torch's private modules that libraries import (tensordict, functorch, PyTorch Geometric),
compared with torch 2.13: ``torch._foreach_*``, ``torch.utils.weak``, pytree's
``_broadcast_to_and_flatten`` and list/tuple node functions, ``torch._C._functorch`` under vmap,
functorch's ``make_functional``, the data loader's ``_generate_state``, the quantized dtypes,
``_convert_indices_from_coo_to_csr`` / ``csr_to_coo``, ``_tensor_str._add_suffixes``,
``_named_member_accessor`` and ``_utils``' device helpers."""
import gc

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _lists(mod, seed=0):
    rng = np.random.default_rng(seed)
    return [mod.tensor(rng.standard_normal(s).astype(np.float32) + 2) for s in ((2,), (3, 2))]


def _same(e, t):
    if isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
    else:
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


FOREACH = {
    "add_scalar": lambda m, a, b: m._foreach_add(a, 1.5),
    "add_list_alpha": lambda m, a, b: m._foreach_add(a, b, alpha=2),
    "add_scalars": lambda m, a, b: m._foreach_add(a, [1, 2]),
    "add_tensor": lambda m, a, b: m._foreach_add(a, m.tensor(3.0)),
    "sub": lambda m, a, b: m._foreach_sub(a, b),
    "mul": lambda m, a, b: m._foreach_mul(a, 0.5),
    "div": lambda m, a, b: m._foreach_div(a, b),
    "maximum_scalar": lambda m, a, b: m._foreach_maximum(a, 2.0),
    "minimum_list": lambda m, a, b: m._foreach_minimum(a, b),
    "clamp_max": lambda m, a, b: m._foreach_clamp_max(a, 2.0),
    "pow": lambda m, a, b: m._foreach_pow(a, 2),
    "pow_scalar_base": lambda m, a, b: m._foreach_pow(2.0, a),
    "sqrt": lambda m, a, b: m._foreach_sqrt(a),
    "exp": lambda m, a, b: m._foreach_exp(a),
    "neg": lambda m, a, b: m._foreach_neg(a),
    "sign": lambda m, a, b: m._foreach_sign(a),
    "addcmul": lambda m, a, b: m._foreach_addcmul(a, a, b, 0.5),
    "addcmul_scalars": lambda m, a, b: m._foreach_addcmul(a, a, b, [1, 2]),
    "addcdiv_tensor_scalars": lambda m, a, b: m._foreach_addcdiv(a, a, b, m.tensor([1., 3.])),
    "lerp": lambda m, a, b: m._foreach_lerp(a, b, 0.25),
    "lerp_tensors": lambda m, a, b: m._foreach_lerp(a, b, b),
    "norm": lambda m, a, b: m._foreach_norm(a),
    "norm_inf": lambda m, a, b: m._foreach_norm(a, float("inf")),
    "max": lambda m, a, b: m._foreach_max(a),
    "clone": lambda m, a, b: m._foreach_clone(a),
}


@pytest.mark.parametrize("name", sorted(FOREACH))
def test_foreach_out_of_place_as_torch(name):
    _same(FOREACH[name](ember, _lists(ember), _lists(ember, 1)),
          FOREACH[name](torch, _lists(torch), _lists(torch, 1)))


@pytest.mark.parametrize("name", ["add_", "mul_", "maximum_", "sqrt_", "addcmul_", "lerp_",
                                  "copy_", "zero_"])
def test_foreach_in_place_updates_and_returns_the_list(name):
    results = []
    for mod in (torch, ember):
        a, b = _lists(mod), _lists(mod, 1)
        fn = getattr(mod, "_foreach_" + name)
        args = {"add_": (b,), "mul_": (2.0,), "maximum_": (2.5,), "sqrt_": (),
                "addcmul_": (a, b, 0.5), "lerp_": (b, 0.5), "copy_": (b,), "zero_": ()}[name]
        kept = list(a)
        out = fn(a, *args)
        assert all(x is y for x, y in zip(a, kept))
        results.append((out is a or out is None, a))
    assert results[0][0] == results[1][0]
    _same(results[1][1], results[0][1])


def test_foreach_errors_as_torch():
    for call in (lambda m: m._foreach_add(_lists(m), [1]),
                 lambda m: m._foreach_add(_lists(m), [m.ones(2)]),
                 lambda m: m._foreach_add([], 1)):
        msgs = []
        for mod in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                call(mod)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]


def test_weak_id_key_dictionary():
    for mod in (torch, ember):
        from importlib import import_module
        weak = import_module(mod.__name__ + ".utils.weak")
        d = weak.WeakIdKeyDictionary()
        a, b = mod.ones(2), mod.ones(2)
        d[a], d[b] = 1, 2
        assert d[a] == 1 and d[b] == 2 and len(d) == 2 and a in d and mod.ones(2) not in d
        del b
        gc.collect()
        assert len(d) == 1 and list(d) == [a]
        ref = weak.WeakIdRef(a)
        assert ref() is a and ref == weak.WeakIdRef(a) and hash(ref) == id(a)
        assert weak.TensorWeakRef(a)() is a


@pytest.mark.parametrize("tree,full", [
    (0, ([1, 2], {"a": 3})), ((0, None), ([1, 2], {"a": 3})), ((0, 1, 2), (1, 2)),
    ([0, {"a": 1}], [[1, 2], {"a": 3}]), ([0, {"b": 1}], [[1, 2], {"a": 3}])])
def test_pytree_broadcast_to_and_flatten(tree, full):
    from ember.utils import _pytree as ep
    from torch.utils import _pytree as tp
    assert ep._broadcast_to_and_flatten(tree, ep.tree_structure(full)) == \
        tp._broadcast_to_and_flatten(tree, tp.tree_structure(full))


def test_pytree_list_node_functions_register_a_list_type():
    outs = []
    for mod in (torch, ember):
        class Items(list):
            pass
        p = mod.utils._pytree
        p.register_pytree_node(Items, p._list_flatten, p._list_unflatten,
                               flatten_with_keys_fn=p._list_flatten_with_keys)
        leaves, spec = p.tree_flatten(Items([1, [2, 3]]))
        outs.append((leaves, type(p.tree_unflatten(leaves, spec)).__name__,
                     p._tuple_flatten((1, 2))[0]))
    assert outs[0] == outs[1]


def test_functorch_batch_dim_primitives_inside_vmap():
    from ember._C import _functorch as F
    seen = []

    def f(x):
        level = F.maybe_get_level(x)
        y = F._add_batch_dim(ember.arange(6.).view(3, 2), 1, level)   # batched along dim 1
        seen.append((F.is_batchedtensor(x), tuple(F.get_unwrapped(x).shape), tuple(y.shape)))
        return x * 0 + y.sum()
    out = ember.func.vmap(f)(ember.ones(2, 4))
    assert seen == [(True, (2, 4), (3,))]
    np.testing.assert_array_equal(out.numpy(), np.array([[6.] * 4, [9.] * 4]))
    plain = ember.ones(3)
    assert F.maybe_get_level(plain) == -1 and not F.is_batchedtensor(plain)
    assert F._remove_batch_dim(plain, 1, 2, 0).shape == (2, 3)
    for mod in (torch, ember):
        with pytest.raises(RuntimeError, match="No wrappers present!"):
            mod._C._functorch.get_unwrapped(mod.ones(2))


def test_make_functional_and_ensembles_as_torch():
    import functorch  # noqa: F401  (torch's own package: its imports must resolve in ember)
    results = []
    for mod in (torch, ember):
        fm = __import__(mod.__name__ + "._functorch.make_functional", fromlist=["x"])
        mod.manual_seed(0)
        models = [mod.nn.Sequential(mod.nn.Linear(3, 2), mod.nn.BatchNorm1d(2)) for _ in (0, 1)]
        with mod.no_grad():
            for k, p in enumerate(p for m in models for p in m.parameters()):
                p.copy_(mod.arange(p.numel(), dtype=mod.float32).view(p.shape) * 0.1 + k)
        x = mod.arange(12, dtype=mod.float32).view(4, 3)
        with pytest.raises(RuntimeError, match="has buffers"):
            fm.make_functional(models[0])
        fmodel, params = fm.make_functional(models[0][0])
        y1 = fmodel(params, x)
        fmodel_b, params_b, buffers_b = fm.make_functional_with_buffers(models[1].eval())
        y2 = fmodel_b(params_b, buffers_b, x)
        fens, ps, bs = fm.combine_state_for_ensemble([m.eval() for m in models])
        linears = [m[0] for m in models]
        fl, lps, lbs = fm.combine_state_for_ensemble(linears)
        y3 = mod.vmap(fl, (0, 0, None))(lps, lbs, x)
        errors = []
        for bad in ([], [models[0].train(), models[1].eval()], [models[0], mod.nn.Linear(1, 1)]):
            with pytest.raises(RuntimeError) as info:
                fm.combine_state_for_ensemble(bad)
            errors.append(str(info.value))
        results.append((y1.tolist(), y2.tolist(), [tuple(p.shape) for p in ps],
                        [tuple(b.shape) for b in bs], y3.tolist(), errors))
    assert results[1][2:4] == results[0][2:4] and results[1][5] == results[0][5]
    for e, t in zip(results[1][:2] + results[1][4:5], results[0][:2] + results[0][4:5]):
        np.testing.assert_allclose(e, t, rtol=1e-5)


def test_worker_generate_state_is_torchs():
    from ember.utils.data._utils.worker import _generate_state
    from torch.utils.data._utils.worker import _generate_state as theirs
    for seed, worker in ((0, 0), (123456789012345, 3), (2 ** 63 + 5, 7)):
        assert _generate_state(seed, worker) == theirs(seed, worker)


def test_quantized_dtypes_are_named_only():
    for name in ("qint8", "quint8", "qint32", "quint4x2", "quint2x4"):
        e, t = getattr(ember, name), getattr(torch, name)
        assert (repr(e), e.itemsize, e.is_floating_point, e.is_complex) == \
            (repr(t), t.itemsize, t.is_floating_point, t.is_complex)
        import pickle
        assert pickle.loads(pickle.dumps(e)) is e
        with pytest.raises(ember.UnsupportedError):
            ember.zeros(2, dtype=e)


def test_coo_csr_index_conversions_as_torch():
    outs = []
    for mod in (torch, ember):
        rows = mod.tensor([0, 0, 1, 3, 3, 3])
        ptr = mod._convert_indices_from_coo_to_csr(rows, 5)
        ptr32 = mod._convert_indices_from_coo_to_csr(rows, 5, out_int32=True)
        cols = mod.tensor([1, 2, 0, 0, 1, 4])
        coo = mod._convert_indices_from_csr_to_coo(ptr, cols)
        coo_t = mod._convert_indices_from_csr_to_coo(ptr, cols, out_int32=True, transpose=True)
        outs.append([(x.tolist(), str(x.dtype)) for x in (ptr, ptr32, coo, coo_t)])
    assert outs[0] == outs[1]


def test_add_suffixes_as_torch():
    for force in (False, True):
        args = ("tensor([1, 2]", ["size=(2,)", "nnz=4", "x" * 70], 7, force)
        assert ember._tensor_str._add_suffixes(*args) == torch._tensor_str._add_suffixes(*args)


def test_advanced_index_results_are_contiguous_as_torch():
    for mod in (torch, ember):
        x = mod.arange(8).view(2, 4)
        r = x[:, mod.tensor([True, False, True, True])]
        assert r.is_contiguous() and r.stride() == (3, 1) and r[0].is_contiguous()


def test_named_member_accessor_as_torch():
    results = []
    for mod in (torch, ember):
        acc = __import__(mod.__name__ + ".nn.utils._named_member_accessor", fromlist=["x"])
        lin = mod.nn.Linear(2, 2)
        lin.register_buffer("scale", mod.ones(1))
        new_w, new_s = mod.zeros(2, 2), mod.zeros(1)
        old_w = acc.swap_tensor(lin, "weight", new_w)
        old_s = acc.swap_tensor(lin, "scale", new_s)
        acc.set_tensor(lin, "extra", mod.ones(3))
        missing = acc.swap_tensor(lin, "nothing", mod.ones(1), allow_missing=True)
        errors = []
        for call in (lambda: acc.swap_tensor(lin, "a.b", mod.ones(1)),
                     lambda: acc.swap_tensor(lin, "", mod.ones(1)),
                     lambda: acc.swap_tensor(lin, "absent", mod.ones(1)),
                     lambda: acc.swap_tensor(object(), "w", mod.ones(1))):
            with pytest.raises(Exception) as info:
                call()
            errors.append((type(info.value).__name__, str(info.value).split(" at 0x")[0]))
        results.append((type(old_w).__name__, lin.weight is new_w, old_s.tolist(),
                        lin.scale is new_s, lin.extra.tolist(), missing is not None,
                        errors[:3], errors[3][0]))
    assert results[1] == results[0]


def test_device_helpers_as_torch():
    for mod in (torch, ember):
        u = __import__(mod.__name__ + "._utils", fromlist=["x"])
        assert u._get_available_device_type() == (
            "cuda" if mod.cuda.is_available() else None)
        assert u._get_device_module("cpu") is mod.cpu
        assert u._get_device_attr(lambda m: m.device_count()) is None or \
            mod.cuda.is_available()


@pytest.mark.slow
def test_activation_modules_reach_vmap_under_the_runner(tmp_path):
    """nn.Tanh / nn.Sigmoid hold their op as a staticmethod; under the runner their classes
    report torch's module, and the binding layers (vmap here) must still find them."""
    import subprocess
    import sys
    script = tmp_path / "probe.py"
    script.write_text(
        "import torch\n"
        "x = torch.arange(6.).view(3, 2)\n"
        "for m in (torch.nn.Tanh(), torch.nn.Sigmoid()):\n"
        "    print(torch.allclose(torch.func.vmap(m)(x), m(x)))\n")
    out = subprocess.run([sys.executable, "-m", "ember.run", str(script)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"]


@pytest.mark.slow
def test_runner_dispatches_torch_functions_to_tensor_likes(tmp_path):
    """Under the runner a class defining ``__torch_function__`` (tensordict's TensorDict) gets
    ``torch.add(obj, 1)``; defining a TorchFunctionMode or importing fx switches nothing on."""
    import subprocess
    import sys
    script = tmp_path / "probe.py"
    script.write_text(
        "import torch\n"
        "from torch.overrides import TorchFunctionMode\n"
        "class M(TorchFunctionMode):\n"
        "    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
        "        return func(*args, **(kwargs or {}))\n"
        "import torch.fx\n"
        "from ember._ops import _bindings\n"
        "print(sorted(_bindings._active))\n"
        "class Like:\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        return func.__name__\n"
        "print(torch.add(Like(), 1), torch.stack([Like(), Like()]))\n")
    out = subprocess.run([sys.executable, "-m", "ember.run", str(script)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["[]", "add", "stack"]
