"""Random sampling: Generator, the default generators, factories (rand, randn, randint, randperm,
normal, bernoulli, multinomial, poisson) and the in-place samplers (uniform_, normal_, ...).

Each ``Generator`` owns its device backend's random engine (``backend.rng(seed)``): on the CPU,
PyTorch's mt19937 with PyTorch's seeding and state bytes, and the backend's ``random`` module
holds PyTorch's sampling recipes, so a seeded program draws PyTorch's numbers (see
docs/random.md).  Samples are written in the order PyTorch's TensorIterator visits the output
(memory order for non-contiguous in-place targets).  Samplers are not differentiable except
through the zero-gradient nodes PyTorch records (``NormalBackward3``, ``UniformBackward0``, ...).
"""
import contextlib
import math
import secrets

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._device import resolve as _resolve, device as _device_cls
from .._tensor import Tensor, _make
from .._type_info import finfo
from ..autograd.graph import node_class
from ._core import (register, record, needs_grad, write_out, out_array, check_inplace,
                    commit_inplace, rebase_history, _grad_on)
from .creation import _sizes, _dt, _finish, _astype

_U64 = 1 << 64
_FRESH_SEED = 67280421310721     # what a new torch.Generator() reports as initial_seed


# ---- generators ---------------------------------------------------------------------------------
class Generator:
    """torch.Generator: a seeded random stream on one device."""
    __slots__ = ("device", "_engine")

    def __init__(self, device="cpu"):
        dev = _resolve(device)
        if dev.type == "cuda" and dev.index is None:
            dev = _device_cls("cuda", 0)
        self.device = dev
        self._engine = dev.backend.rng(_FRESH_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -(1 << 63) <= seed < _U64:
            raise _errors.seed_overflow()
        self._engine.manual_seed(seed % _U64)
        return self

    def seed(self):
        """Seed from the OS's entropy and return the new seed."""
        s = secrets.randbits(64)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._engine.seed

    def get_state(self):
        """The stream's state as a uint8 tensor (PyTorch's bytes on the CPU)."""
        raw = self._engine.get_state()
        return _make(np.frombuffer(raw, np.uint8).copy(), D.uint8, _resolve("cpu"))

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor) or new_state._dtype is not D.uint8:
            raise _errors.rng_state_type(new_state, isinstance(new_state, Tensor))
        raw = bytes(new_state._device.backend.to_host(new_state._data))
        if len(raw) != self._engine.state_bytes:
            raise _errors.rng_state_size(self.device.type, self._engine.state_bytes, len(raw))
        self._engine.set_state(raw)
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()
default_generator.seed()
_cuda_generators = {}
_cuda_seed = [None]


def _default_for(dev):
    if dev.type == "cpu":
        return default_generator
    g = _cuda_generators.get(dev.index)
    if g is None:
        g = _cuda_generators[dev.index] = Generator(dev)
        if _cuda_seed[0] is None:
            g.seed()
        else:
            g.manual_seed(_cuda_seed[0])
    return g


def _engine(generator, dev):
    """The random engine to draw from for a tensor on ``dev``."""
    if generator is None:
        return _default_for(dev)._engine
    if not isinstance(generator, Generator):
        raise _errors.generator_type(generator)
    if generator.device.type != dev.type:
        raise _errors.generator_device(dev.type, generator.device.type)
    return generator._engine


def _gen(generator, dev):
    """NumPy's Generator API on the same stream, for samplers without a PyTorch recipe here."""
    return _engine(generator, dev).np


def manual_seed_cuda(seed):
    """Seed every CUDA device's default generator, lazily as PyTorch does: generators are
    (re)made from this seed on first use, so seeding never needs a working CUDA backend."""
    _cuda_seed[0] = int(seed)
    _cuda_generators.clear()


def manual_seed(seed):
    """Seed the CPU default generator and the CUDA ones; returns the CPU generator."""
    default_generator.manual_seed(seed)
    manual_seed_cuda(default_generator.initial_seed())
    return default_generator


def seed():
    s = default_generator.seed()
    manual_seed_cuda(s)
    return s


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Restore the CPU (and CUDA) generators' states when the block exits."""
    if not enabled:
        yield
        return
    cpu_state = default_generator.get_state()
    idx = list(_cuda_generators) if devices is None else [_resolve(d).index or 0
                                                           if not isinstance(d, int) else d
                                                           for d in devices]
    cuda_states = [(i, _default_for(_device_cls("cuda", i)).get_state()) for i in idx]
    try:
        yield
    finally:
        default_generator.set_state(cpu_state)
        for i, st in cuda_states:
            _cuda_generators[i].set_state(st)


# ---- layout and array samplers --------------------------------------------------------------------
def _walk_perm(arr):
    """Axes of ``arr``, outermost first, in the order PyTorch's TensorIterator writes an output:
    by decreasing stride, i.e. memory order (C order for contiguous arrays)."""
    st = arr.strides
    return sorted(range(arr.ndim), key=lambda i: -st[i])


def _laid_out(flat, like):
    """``flat`` values (in iteration order) placed into an array of ``like``'s shape."""
    if like.ndim < 2 or like.flags.c_contiguous:
        return flat.reshape(like.shape)
    perm = _walk_perm(like)
    inverse = sorted(range(like.ndim), key=perm.__getitem__)
    return flat.reshape([like.shape[p] for p in perm]).transpose(inverse)


def _in_walk_order(arr, like, xp):
    """``arr`` (broadcast to ``like``'s shape) flattened in ``like``'s iteration order."""
    arr = xp.broadcast_to(arr, like.shape)
    if like.ndim < 2 or like.flags.c_contiguous:
        return arr.reshape(-1)
    return arr.transpose(_walk_perm(like)).reshape(-1)


def _kernels(dev):
    return dev.backend.random


def _uniform_values(eng, R, n, dt, lo=0.0, hi=1.0, out=None):
    """n uniform samples of float dtype ``dt`` (complex: interleaved real and imaginary parts);
    ``out``: a flat array the kernel may fill instead of a new one."""
    if dt.is_complex:
        r = dt.to_real()
        return _uniform_values(eng, R, 2 * n, r, lo, hi).view(dt.np)
    return R.uniform(eng, n, dt.name, lo, hi, out=out).astype(dt.np, copy=False)


def _normal_values(eng, R, n, dt, mean, std, contiguous=True, out=None):
    """n normal samples of float dtype ``dt`` (complex: each part with variance std**2 / 2)."""
    if dt.is_complex:
        r = dt.to_real()
        return _normal_values(eng, R, 2 * n, r, mean, std / math.sqrt(2), contiguous).view(dt.np)
    arr = R.normal(eng, n, dt.name, mean, std, contiguous, out=out)
    return arr if arr.dtype == dt.np else _astype(arr, dt)     # (no copy of ``out``'s values)


def _float_dt(dtype, kernel):
    dt = _dt(dtype)
    if dt.category < 2:
        raise _errors.kernel_not_implemented(kernel, dt)
    return dt


def _new(arr, dt, dev, requires_grad, out, pin=False):
    arr = out_array(arr, dev.backend.xp)
    if arr.dtype != dt.np:
        arr = arr.astype(dt.np)
    if requires_grad and dt.category < 2:
        raise _errors.factory_requires_grad_dtype()
    t = _finish(arr, dt, dev, requires_grad, pin)
    return t if out is None else write_out(out, t)


# ---- zero-gradient nodes ------------------------------------------------------------------------
def _zero_grads(node, g):
    """Sampling nodes pass zero gradients to each tensor input (PyTorch's formula)."""
    from .creation import zeros
    return tuple(None if m is None or node.next_functions[i][0] is None
                 else zeros(m[0], dtype=m[1], device=g._device)
                 for i, m in enumerate(node._args))


def _nodes(*names):
    return {n: node_class(n, _zero_grads) for n in names}


_N = _nodes("NormalBackward0", "NormalBackward1", "NormalBackward2", "NormalBackward3",
            "UniformBackward0", "BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2",
            "PoissonBackward0", "RandomBackward0", "RandomBackward1", "RandomBackward2",
            "ExponentialBackward0", "GeometricBackward0", "LogNormalBackward0", "CauchyBackward0")


def _not_implemented(node, g):
    raise _errors.derivative_not_implemented("bernoulli")


_NotImplemented = node_class("NotImplemented", _not_implemented)


def _track(res, name, *inputs):
    """Record the sampler's zero-gradient node when an input requires grad."""
    if needs_grad(*inputs):
        meta = tuple((t._data.shape, t._dtype) if isinstance(t, Tensor) else None
                     for t in inputs)
        record(res, _N[name] if isinstance(name, str) else name, inputs, args=meta)
    return res


def _own_buffer(like, dev):
    """``like`` flattened, when a float32 kernel may write its samples straight into it."""
    if like.dtype == np.float32 and like.flags.c_contiguous and dev.backend.writeable(like):
        return like.reshape(-1)
    return None


def _named_inplace(fn, name):
    """The in-place sampler ``name`` over ``fn(self, ...)``, which returns the new values as a
    tensor; ``fn`` sees ``self`` itself (not a snapshot) so it can follow its memory order, and
    may have written the values into ``self``'s own buffer already (no copy back then)."""
    def op_(self, *args, **kwargs):
        check_inplace(self)
        tracking = _grad_on() and (self._requires_grad or needs_grad(*args, *kwargs.values()))
        result = fn(self, *args, **kwargs)
        a, b = result._data, self._data
        ptr = self._device.backend.data_ptr
        if a.strides == b.strides and a.size and ptr(a) == ptr(b):
            self._vc[0] += 1
            if tracking and result._grad_fn is not None:
                rebase_history(self, result._grad_fn)
        else:
            commit_inplace(self, result, tracking)
        return self
    op_.__name__ = op_.__qualname__ = name
    return op_


def _fill(self, arr, node, *inputs):
    return _track(_new(arr, self._dtype, self._device, False, None), node, self, *inputs)


# ---- factories ---------------------------------------------------------------------------------
@register("rand", method=False)
def rand(*size_args, size=None, generator=None, out=None, dtype=None, layout=None,
         device=None, requires_grad=False, pin_memory=False):
    shape = _sizes(size_args, "rand", size)
    dt = _float_dt(dtype, "check_uniform_bounds")
    dev = _resolve(device)
    arr = _uniform_values(_engine(generator, dev), _kernels(dev), math.prod(shape), dt)
    return _new(arr.reshape(shape), dt, dev, requires_grad, out, pin_memory)


@register("randn", method=False)
def randn(*size_args, size=None, generator=None, out=None, dtype=None, layout=None,
          device=None, requires_grad=False, pin_memory=False):
    shape = _sizes(size_args, "randn", size)
    dt = _float_dt(dtype, "normal_kernel_cpu")
    dev = _resolve(device)
    arr = _normal_values(_engine(generator, dev), _kernels(dev), math.prod(shape), dt, 0.0, 1.0)
    return _new(arr.reshape(shape), dt, dev, requires_grad, out, pin_memory)


def _like_args(input, dtype, device):
    return (input._dtype if dtype is None else D.to_dtype(dtype),
            input._device if device is None else _resolve(device))


def _sampled_like(factory, fill, input, dtype, device, memory_format, requires_grad, **draw):
    """A ``*_like`` sampler: ``factory``'s samples when the result is C-ordered; otherwise the
    in-place sampler ``fill`` on an empty tensor of the result's layout (torch draws in memory
    order, which the in-place samplers follow)."""
    from . import creation, memory_format as M
    dt, dev = _like_args(input, dtype, device)
    shape = input._data.shape
    if M.axis_order(len(shape), M.name(memory_format), input._data) is None:
        return factory(shape, dtype=dt, device=dev, requires_grad=requires_grad, **draw)
    t = creation.empty_like(input, dtype=dt, device=dev, memory_format=memory_format)
    fill(t, **draw)
    return t.requires_grad_(requires_grad)


@register("rand_like", method=False)
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    return _sampled_like(rand, uniform_, input, dtype, device, memory_format, requires_grad,
                         generator=generator)


@register("randn_like", method=False)
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    return _sampled_like(randn, _normal_inplace, input, dtype, device, memory_format,
                         requires_grad, generator=generator)


def _integers(eng, R, lo, hi, n, dt):
    """n integers in [lo, hi) stored as ``dt`` (PyTorch's ``random_(from, to)``)."""
    if lo >= hi:
        raise _errors.random_from_to(lo, hi)
    span = hi - lo
    vals = R.full_range_int64(eng, n) if span == _U64 else R.integers(eng, n, span, lo)
    return vals.astype(dt.np)


@register("randint", method=False)
def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, low=None, high=None):
    """randint(high, size) / randint(low, high, size), any of them also by keyword."""
    args = list(args)
    if size is None:
        size = args.pop()
    if high is None:
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    shape = _sizes((size,), "randint")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    dev = _resolve(device)
    arr = _integers(_engine(generator, dev), _kernels(dev), int(low), int(high),
                    math.prod(shape), dt)
    return _new(arr.reshape(shape), dt, dev, requires_grad, out, pin_memory)


@register("randint_like", method=False)
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    if high is None:
        low, high = 0, low

    def factory(shape, **kwargs):
        return randint(low, high, shape, **kwargs)
    return _sampled_like(factory, lambda t, **kw: random_(t, low, high, **kw), input, dtype,
                         device, memory_format, requires_grad, generator=generator)


@register("randperm", method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    n = int(n)
    if n < 0:
        raise _errors.negative_dimension("randperm", (n,))
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    dev = _resolve(device)
    perm = _kernels(dev).randperm(_engine(generator, dev), n)
    return _new(perm, dt, dev, requires_grad, out, pin_memory)


# ---- normal -------------------------------------------------------------------------------------
def _check_std(std):
    if isinstance(std, Tensor):
        if std._data.size and bool((std._data < 0).any()):
            raise _errors.normal_std()
    elif std < 0:
        raise _errors.normal_std(std)


def _normal_into(like, dt, dev, mean, std, generator):
    """normal_(mean, std) values for an output shaped and strided like the array ``like``."""
    flat = _normal_values(_engine(generator, dev), _kernels(dev), like.size, dt, mean, std,
                          like.flags.c_contiguous, _own_buffer(like, dev))
    return _laid_out(flat, like)


def _normal_node(mean, std):
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    return "NormalBackward3" if mt and st else "NormalBackward1" if mt else "NormalBackward2"


def _normal_fill(self, mean=0.0, std=1.0, *, generator=None):
    if self._dtype.category < 2:
        raise _errors.kernel_not_implemented("normal_kernel_cpu", self._dtype)
    _check_std(std)
    arr = _normal_into(self._data, self._dtype, self._device, mean, std, generator)
    return _fill(self, arr, "NormalBackward0")


@register("normal", method=False, inplace=_named_inplace(_normal_fill, "normal_"),
          nodes=("NormalBackward0", "NormalBackward1", "NormalBackward2", "NormalBackward3"))
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """The overloads (Tensor, Tensor), (Tensor, float), (float, Tensor), (float, float, size).
    With a tensor argument PyTorch samples N(0, 1) (N(0, std) for a float std), then scales by
    the std tensor and adds the mean, in the result dtype."""
    _check_std(std)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise _errors.invalid_arguments("normal", (mean, std), _errors.NORMAL_SIGNATURES)
        dt = _float_dt(dtype, "normal_kernel_cpu")
        dev = _resolve(device)
        shape = _sizes((size,), "normal")
        flat = _normal_values(_engine(generator, dev), _kernels(dev), math.prod(shape), dt,
                              mean, std)
        return _new(flat.reshape(shape), dt, dev, requires_grad, out, pin_memory)
    ts = [t for t in (mean, std) if isinstance(t, Tensor)]
    dt = D.result_type(*ts) if len(ts) == 2 else ts[0]._dtype
    dev = ts[0]._device
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise _errors.broadcast_mismatch(np.shape(m), np.shape(s)) from None
    scale = 1.0 if isinstance(std, Tensor) else std
    z = _normal_values(_engine(generator, dev), _kernels(dev), math.prod(shape), dt, 0.0,
                       scale).reshape(shape)
    if isinstance(std, Tensor):
        z *= s.astype(dt.np, copy=False)
    z += m.astype(dt.np, copy=False) if isinstance(mean, Tensor) else dt.np.type(mean)
    res = _new(z, dt, dev, False, None)
    _track(res, _normal_node(mean, std), mean, std)
    return res if out is None else write_out(out, res)


# ---- bernoulli, poisson, multinomial ------------------------------------------------------------
def _check_prob(p, name="bernoulli_"):
    if not 0 <= p <= 1:
        raise _errors.random_probability(name, p)


def _check_probs(p):
    if p.size and bool(((p < 0) | (p > 1)).any()):
        raise _errors.bernoulli_tensor_p()


def bernoulli_mask(like, p, dev, generator=None):
    """A bool array shaped like the array ``like``: Bernoulli(p) for a float p, drawn in
    ``like``'s memory order (what ``empty_like(x).bernoulli_(p)`` gives; dropout's noise)."""
    flat = _kernels(dev).bernoulli_scalar(_engine(generator, dev), like.size, p)
    return _laid_out(flat, like)


def _bernoulli_fill(self, p=0.5, *, generator=None):
    """bernoulli_(p): ``p`` a float or a tensor of probabilities broadcast to ``self``."""
    dev, like = self._device, self._data
    if isinstance(p, Tensor):
        _check_probs(p._data)
        flat = _kernels(dev).bernoulli_tensor(_engine(generator, dev), _in_walk_order(p._data, like, dev.backend.xp))
        return _fill(self, _laid_out(flat, like), "BernoulliBackward1", p)
    _check_prob(p)
    return _fill(self, bernoulli_mask(like, p, dev, generator), "BernoulliBackward2")


@register("bernoulli", inplace=_named_inplace(_bernoulli_fill, "bernoulli_"),
          nodes=("BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2"))
def bernoulli(input, p=None, *, generator=None, out=None):
    """Samples 0/1 with probabilities ``input`` (or the scalar ``p``), in ``input``'s dtype."""
    dev = input._device
    if p is None:
        if input._dtype.category < 2:
            raise _errors.kernel_not_implemented("bernoulli_tensor_cpu_p_", input._dtype)
        probs = input._data
        _check_probs(probs)
        arr = _kernels(dev).bernoulli_tensor(_engine(generator, dev), probs.reshape(-1))
        arr, node = arr.reshape(probs.shape), "BernoulliBackward0"
    else:
        _check_prob(p, "bernoulli_")
        arr, node = bernoulli_mask(input._data, p, dev, generator), _NotImplemented
    res = _new(arr, input._dtype, dev, False, None)
    _track(res, node, input)
    return res if out is None else write_out(out, res)


@register("poisson", method=False, nodes=("PoissonBackward0",))
def poisson(input, generator=None):
    rates = input._data
    if rates.size and bool((rates < 0).any()):
        raise _errors.poisson_rate()
    dev = input._device
    flat = dev.backend.xp.ascontiguousarray(rates, dtype=np.float64).reshape(-1)
    arr = _kernels(dev).poisson(_engine(generator, dev), flat).reshape(rates.shape)
    res = _new(arr, input._dtype, dev, False, None)
    return _track(res, "PoissonBackward0", input)


def _check_multinomial(probs, num_samples, replacement, dtype):
    if dtype.category < 2:
        raise _errors.multinomial_dtype(dtype)
    if probs.ndim not in (1, 2):
        raise _errors.multinomial_error("dims")
    if num_samples <= 0:
        raise _errors.multinomial_error("zero")
    if not replacement and num_samples > probs.shape[-1]:
        raise _errors.multinomial_error("too_many")
    if probs.shape[-1] > (1 << 24):
        raise _errors.multinomial_error("categories")
    if probs.size and not bool((probs >= 0).all() & (probs < np.inf).all()):
        raise _errors.multinomial_error("invalid")
    if probs.size and bool((probs.sum(-1) <= 0).any()):
        raise _errors.multinomial_error("sum")


@register("multinomial", differentiable=False)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn per row, PyTorch's way: without replacement (or one sample) the
    top-k of ``p / q`` with exponential q; with replacement by inverting each row's CDF."""
    probs = input._data
    _check_multinomial(probs, num_samples, replacement, input._dtype)
    dev = input._device
    eng, R = _engine(generator, dev), _kernels(dev)
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        if input._dtype is D.float64:
            q = R.exponential(eng, rows.size, 1.0)
        else:   # NumPy's log1p may differ from the C library's in the last float64 bit, which
            # survives the rounding to float32 with probability ~2**-29 per element: far faster
            q = -dev.backend.xp.log1p(-R.unit_double(eng, rows.size))
        q = _astype(q, input._dtype).reshape(rows.shape)
        keys = rows / q
        idx = (keys.argmax(-1)[:, None] if num_samples == 1
               else dev.backend.xp.argsort(-keys, axis=-1, kind="stable")[:, :num_samples])
    else:
        idx = R.multinomial_with_replacement(eng, rows, num_samples)
    res = _new(idx.reshape(probs.shape[:-1] + (num_samples,)), D.int64, dev, False, None)
    return res if out is None else write_out(out, res)


# ---- in-place samplers --------------------------------------------------------------------------
def _float_only(self, dist):
    if self._dtype.category < 2:
        raise _errors.continuous_dtype(dist, self._dtype)


def _check_uniform_bounds(dt, from_, to):
    """PyTorch's checks, in its order: each end within the dtype's range (nan is not), then
    from <= to, then a width the dtype can hold."""
    if dt.is_complex:
        return
    top = float(finfo(dt).max)      # ember's finfo: NumPy's extended to bfloat16
    for which, value in (("from", from_), ("to", to)):
        if not -top <= value <= top:
            raise _errors.uniform_bound(which, dt)
    if from_ > to:
        raise _errors.uniform_range(from_, to)
    if to - from_ > top:
        raise _errors.uniform_span(from_, to, dt)


def _uniform(self, from_=0.0, to=1.0, *, generator=None):
    if self._dtype.category < 2:
        raise _errors.kernel_not_implemented("check_uniform_bounds", self._dtype)
    _check_uniform_bounds(self._dtype, from_, to)
    dev, like = self._device, self._data
    flat = _uniform_values(_engine(generator, dev), _kernels(dev), like.size, self._dtype,
                           from_, to, _own_buffer(like, dev))
    return _fill(self, _laid_out(flat, like), "UniformBackward0")


_RANDOM_MAX = {"float64": 1 << 53, "float32": 1 << 24, "float16": 1 << 11, "bfloat16": 1 << 8,
               "bool": 1}


def _random_top(dt):
    """The inclusive upper end of ``random_()`` for ``dt``."""
    top = _RANDOM_MAX.get(dt.name)
    return int(np.iinfo(dt.np).max) if top is None else top


_UNSET = object()


def _random(self, from_=None, to=_UNSET, *, generator=None):
    """random_(), random_(to), random_(from, to) (``to=None``: up to the dtype's maximum)."""
    dev, like = self._device, self._data
    eng, R = _engine(generator, dev), _kernels(dev)
    if from_ is None:
        flat, node = R.random_default(eng, like.size, self._dtype.name), "RandomBackward2"
    else:
        if to is _UNSET:
            lo, hi, node = 0, int(from_), "RandomBackward1"
        else:
            lo = int(from_)
            hi = _random_top(self._dtype) + 1 if to is None else int(to)
            node = "RandomBackward0"
        flat = _integers(eng, R, lo, hi, like.size, self._dtype)
    return _fill(self, _laid_out(flat.astype(self._dtype.np), like), node)


def _continuous(dist, node, kernel, check, integers=False):
    """An in-place sampler over the backend kernel ``kernel(engine, n, *params)`` (float64
    samples cast to the tensor's dtype) for float tensors (and integer ones with
    ``integers``: a discrete distribution); ``check`` validates the params."""
    def op(self, *params, generator=None, **named):
        if not integers:
            _float_only(self, dist)
        elif self._dtype is D.bool_:
            raise _errors.kernel_not_implemented(f"{kernel}_cpu", self._dtype)
        params = check(*params, **named)
        dev, like = self._device, self._data
        flat = getattr(_kernels(dev), kernel)(_engine(generator, dev), like.size, *params)
        return _fill(self, _laid_out(_astype(flat, self._dtype), like), node)
    return op


def _exponential(lambd=1.0):
    if not lambd > 0:
        raise _errors.random_positive("exponential_", "lambda", lambd)
    return (lambd,)


def _geometric(p):
    if not 0 < p < 1:
        raise _errors.random_probability("geometric_", p, closed=False)
    return (p,)


def _log_normal(mean=1.0, std=2.0):
    if not std > 0:
        raise _errors.random_positive("log_normal_", "std", std)
    return (mean, std)


def _cauchy(median=0.0, sigma=1.0):
    if not sigma > 0:
        raise _errors.random_positive("cauchy_", "sigma", sigma)
    return (median, sigma)


uniform_ = _named_inplace(_uniform, "uniform_")
_normal_inplace = _named_inplace(_normal_fill, "normal_")
random_ = _named_inplace(_random, "random_")
exponential_ = _named_inplace(
    _continuous("Exponential", "ExponentialBackward0", "exponential", _exponential),
    "exponential_")
geometric_ = _named_inplace(
    _continuous("Geometric", "GeometricBackward0", "geometric", _geometric, integers=True),
    "geometric_")
log_normal_ = _named_inplace(
    _continuous("LogNormal", "LogNormalBackward0", "log_normal", _log_normal), "log_normal_")
cauchy_ = _named_inplace(_continuous("Cauchy", "CauchyBackward0", "cauchy", _cauchy), "cauchy_")

for _fn, _node in ((uniform_, "UniformBackward0"),
                   (random_, ("RandomBackward0", "RandomBackward1", "RandomBackward2")),
                   (exponential_, "ExponentialBackward0"), (geometric_, "GeometricBackward0"),
                   (log_normal_, "LogNormalBackward0"), (cauchy_, "CauchyBackward0")):
    register(_fn.__name__, nodes=_node if isinstance(_node, tuple) else (_node,),
             function=False)(_fn)
