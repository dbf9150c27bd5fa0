"""torch.library's registration APIs against torch's: infer_schema, per-device kernels,
autocast rules, torch_dispatch rules, fake kernels (impl_abstract, get_ctx), the fallthrough
kernel and opcheck's tests and errors."""
import itertools
import typing

import pytest

import ember

torch = pytest.importorskip("torch")
_names = {}     # module -> its counter: the two runs of a test name their ops alike


def _next(mod):
    return next(_names.setdefault(mod.__name__, itertools.count()))


def _op(mod, body, ann=None, mutates=()):
    """A fresh custom op ``e9lib::opN`` in ``mod`` running ``body``."""
    T = mod.Tensor
    name = f"e9lib::op{_next(mod)}"

    def fn(x: T, s: float) -> T:
        return body(x, s)
    return mod.library.custom_op(name, fn, mutates_args=mutates)


def _outcome(call):
    try:
        return call()
    except Exception as e:      # noqa: BLE001 - compared with torch's
        text = str(e).split(". The valid types")[0]
        text = text.replace("ember._tensor.", "torch.").replace("ember._dtype.", "torch.")
        return type(e).__name__, text.replace("ember.", "torch.")


def _prototypes(mod):
    T = mod.Tensor

    def a(x: T, n: int, s: float = 2.0, w: typing.Optional[list[int]] = None,
          *, flag: bool = False, name: str = "x", d: mod.dtype = mod.float32) -> T: ...

    def b(x: T, ys: list[T], out: T) -> tuple[T, T]: ...

    def c(x: T, opt: typing.Optional[T]) -> None: ...

    def d(x: T) -> tuple[T]: ...

    def e(x: T, k: typing.Sequence[float]) -> list[T]: ...

    def bad_type(x: object) -> T: ...

    def untyped(x) -> T: ...

    def bad_return(x: T) -> dict: ...

    def varargs(*xs: T) -> T: ...
    return a, b, c, d, e, bad_type, untyped, bad_return, varargs


@pytest.mark.parametrize("index", range(9))
@pytest.mark.parametrize("mutates", [(), ("x",), "unknown", ("nope",), ("n",)])
def test_infer_schema(index, mutates):
    def run(mod):
        fn = _prototypes(mod)[index]
        return _outcome(lambda: mod.library.infer_schema(fn, mutates_args=mutates,
                                                         op_name="f" if index % 2 else None))
    assert run(ember) == run(torch)


def test_custom_op_schema_errors():
    def run(mod):
        def untyped(x):
            return x
        return _outcome(lambda: mod.library.custom_op("e9lib::untyped", untyped,
                                                      mutates_args=()))
    assert run(ember) == run(torch)


def test_register_kernel_and_autocast():
    def run(mod):
        op = _op(mod, lambda x, s: x * s)
        x = mod.ones(2)
        plain = op(x, 3.0).tolist()
        mod.library.register_kernel(op, "cpu", lambda x, s: x * s + 100)
        cpu = op(x, 3.0).tolist()
        every = _op(mod, lambda x, s: x * s)
        mod.library.register_kernel(every, None, lambda x, s: x - s)
        out_every = every(x, 3.0).tolist()
        mod.library.register_autocast(op, "cpu", mod.bfloat16)
        with mod.autocast("cpu", dtype=mod.float16):
            cast = op(x, 3.0)
            inner = op(mod.ones(2, dtype=mod.float64), 1.0).dtype
        err = _outcome(lambda: mod.library.register_autocast(op, "meta", mod.float16))
        return plain, cpu, out_every, str(cast.dtype)[-8:], cast.tolist(), str(inner)[-7:], op(x, 1.0).dtype \
            is mod.float32, err
    assert run(ember) == run(torch)


def test_register_torch_dispatch_for_a_mode_and_a_subclass():
    def run(mod):
        op = _op(mod, lambda x, s: x * s)
        seen = []

        class Mode(mod.utils._python_dispatch.TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                return func(*args, **(kwargs or {}))

        def rule(mode, func, types, args, kwargs):
            seen.append((type(mode).__name__, str(func).split(".")[-1], func.namespace))
            return args[0] + 1
        mod.library.register_torch_dispatch(op, Mode, rule)
        x = mod.zeros(2)
        with Mode():
            inside = op(x, 5.0).tolist()
        return seen, inside, op(x, 5.0).tolist()
    assert run(ember) == run(torch)


def test_fake_kernels_opcheck_and_get_ctx():
    def run(mod):
        out = [mod.library.get_ctx() is None]
        op = _op(mod, lambda x, s: x * s)
        res = mod.library.opcheck(op, (mod.randn(3), 2.0), raise_exception=False)
        out.append({k: v if v == "SUCCESS" else (type(v).__name__, str(v)) for k, v in res.items()})
        ctxs = []

        def fake(x, s):
            ctxs.append(mod.library.get_ctx() is not None)
            return x.new_empty(4)
        with pytest.warns(FutureWarning, match="impl_abstract` was renamed"):
            mod.library.impl_abstract(op._opoverload.name().split(".")[0], fake)
        res = mod.library.opcheck(op, (mod.randn(3), 2.0), raise_exception=False)
        out.append({k: v if v == "SUCCESS" else (type(v).__name__, str(v)) for k, v in res.items()})
        out.append(bool(ctxs) and all(ctxs))
        op.register_fake(lambda x, s: mod.empty_like(x))
        out.append(mod.library.opcheck(op, (mod.randn(3), 2.0)))
        with pytest.raises(Exception) as info:
            mod.library.opcheck(_op(mod, lambda x, s: x.add_(s).clone()), (mod.randn(3), 1.0),
                                test_utils="test_schema")
        out.append((type(info.value).__name__, str(info.value)))
        mutating = _op(mod, lambda x, s: x.add_(s).clone(), mutates=("x",))
        out.append(mod.library.opcheck(mutating, (mod.randn(3), 1.0), test_utils="test_schema"))
        for kwargs in ({"test_utils": "bogus"}, {"rtol": 1.0}):
            out.append(_outcome(lambda: mod.library.opcheck(op, (mod.randn(3), 1.0), **kwargs)))
        out.append(_outcome(lambda: mod.library.opcheck(lambda x: x, (mod.randn(3),))))
        out.append(mod.library.opcheck(mod.ops.aten.sin.default, (mod.randn(3),)))
        return out
    assert run(ember) == run(torch)


def test_fallthrough_kernel():
    for mod in (ember, torch):
        with pytest.raises(NotImplementedError, match="should never be called"):
            mod.library.fallthrough_kernel()
        lib = mod.library.Library(f"e9ft{_next(mod)}", "DEF")
        lib.define("f(Tensor x) -> Tensor")
        lib.impl("f", lambda x: x * 2, "CompositeExplicitAutograd")
        lib.impl("f", mod.library.fallthrough_kernel, "AutogradCPU")
        assert getattr(mod.ops, lib.ns).f(mod.ones(2)).tolist() == [2.0, 2.0]


def test_register_vmap():
    def run(mod):
        seen = []

        def rule(info, in_dims, x, s):
            seen.append((info.batch_size, info.randomness, in_dims[1], tuple(x.shape)))
            xb = x.movedim(in_dims[0], 0) if in_dims[0] is not None else x.unsqueeze(0)
            return xb * s + 100, 0
        op = _op(mod, lambda x, s: x * s)
        op.register_vmap(rule)
        a = mod.vmap(op, in_dims=(0, None))(mod.ones(3, 2), 2.0).tolist()
        b = mod.vmap(op, in_dims=(1, None))(mod.ones(2, 4), 3.0).tolist()
        plain = op(mod.ones(2), 2.0).tolist()      # no vmap: the kernel
        return a, b, plain, [s[:3] for s in seen]
    assert run(ember) == run(torch)
