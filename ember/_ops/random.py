"""Random sampling: Generator, the default generators, factories (rand, randn, randint, randperm,
normal, bernoulli, multinomial, poisson) and the in-place samplers (uniform_, normal_, ...).

Each ``Generator`` wraps its device backend's NumPy-API generator (``backend.rng(seed)``), so
samples are made directly in the device's array module.  Streams are reproducible under a seed
but are not bit-identical to PyTorch's.  Samplers are not differentiable except through the
zero-gradient nodes PyTorch records (``NormalBackward3``, ``UniformBackward0``, ...).
"""
import contextlib
import secrets

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._device import resolve as _resolve, device as _device_cls
from .._tensor import Tensor, _make
from ..autograd.graph import node_class
from ._core import register, record, needs_grad, inplace, write_out, out_array
from .creation import _sizes, _dt, _finish

_U64 = 1 << 64
_FRESH_SEED = 67280421310721     # what a new torch.Generator() reports as initial_seed


# ---- generators ---------------------------------------------------------------------------------
class Generator:
    """torch.Generator: a seeded random stream on one device."""
    __slots__ = ("device", "_seed", "_bits")

    def __init__(self, device="cpu"):
        dev = _resolve(device)
        if dev.type == "cuda" and dev.index is None:
            dev = _device_cls("cuda", 0)
        self.device = dev
        self.manual_seed(_FRESH_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -(1 << 63) <= seed < _U64:
            raise _errors.seed_overflow()
        self._seed = seed % _U64
        self._bits = self.device.backend.rng(self._seed)
        return self

    def seed(self):
        """Seed from the OS's entropy and return the new seed."""
        s = secrets.randbits(64)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The stream's state as a uint8 tensor (seed, PCG64 state and increment, buffer)."""
        st = self._bits.bit_generator.state
        raw = b"".join((self._seed.to_bytes(8, "little"),
                        st["state"]["state"].to_bytes(16, "little"),
                        st["state"]["inc"].to_bytes(16, "little"),
                        int(st["has_uint32"]).to_bytes(1, "little"),
                        int(st["uinteger"]).to_bytes(4, "little")))
        return _make(np.frombuffer(raw, np.uint8).copy(), D.uint8, _resolve("cpu"))

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor) or new_state._dtype is not D.uint8:
            raise _errors.rng_state_type(new_state, isinstance(new_state, Tensor))
        raw = bytes(new_state._device.backend.to_host(new_state._data))
        if len(raw) != 45:
            raise _errors.rng_state_size(self.device.type, 45, len(raw))
        self._seed = int.from_bytes(raw[:8], "little")
        bits = self.device.backend.rng(self._seed)
        bits.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(raw[8:24], "little"),
                      "inc": int.from_bytes(raw[24:40], "little")},
            "has_uint32": raw[40], "uinteger": int.from_bytes(raw[41:45], "little")}
        self._bits = bits
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


def _gen(generator, dev):
    """The NumPy-API generator to draw from for a tensor on ``dev``."""
    if generator is None:
        return _default_for(dev)._bits
    if not isinstance(generator, Generator):
        raise _errors.generator_type(generator)
    if generator.device.type != dev.type:
        raise _errors.generator_device(dev.type, generator.device.type)
    return generator._bits


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


# ---- array samplers -----------------------------------------------------------------------------
_LOWP_BITS = {"float16": 11, "bfloat16": 8}


def _uniform01(bits, shape, dt):
    """Uniform [0, 1) samples of float dtype ``dt`` (half types: exact multiples of 2^-mant)."""
    if dt is D.float64:
        return bits.random(shape)
    if dt is D.float32:
        return bits.random(shape, dtype=np.float32)
    if dt.is_complex:
        r = dt.to_real()
        return (_uniform01(bits, shape, r) + 1j * _uniform01(bits, shape, r)).astype(dt.np)
    m = _LOWP_BITS[dt.name]
    return (bits.integers(0, 1 << m, shape) * (2.0 ** -m)).astype(dt.np)


def _std_normal(bits, shape, dt):
    if dt is D.float64 or dt is D.float32:
        return bits.standard_normal(shape, dtype=dt.np)
    if dt.is_complex:
        r = dt.to_real()
        z = _std_normal(bits, shape, r) + 1j * _std_normal(bits, shape, r)
        return (z * np.sqrt(0.5)).astype(dt.np)
    return bits.standard_normal(shape, dtype=np.float32).astype(dt.np)


def _compute_dtype(dt):
    """Half types are sampled in float32 and cast back."""
    return D.float32 if dt is D.float16 or dt is D.bfloat16 else dt


def _float_dt(dtype, kernel):
    dt = _dt(dtype)
    if dt.category < 2:
        raise _errors.kernel_not_implemented(kernel, dt)
    return dt


def _new(arr, dt, dev, requires_grad, out):
    arr = out_array(arr, dev.backend.xp)
    if arr.dtype != dt.np:
        arr = arr.astype(dt.np)
    if requires_grad and dt.category < 2:
        raise _errors.factory_requires_grad_dtype()
    t = _finish(arr, dt, dev, requires_grad)
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


def _named_inplace(fn, name):
    op_ = inplace(fn)
    op_.__name__ = op_.__qualname__ = name
    return op_


def _fill(self, arr, node, *inputs):
    return _track(_new(arr, self._dtype, self._device, False, None), node, self, *inputs)


# ---- factories ---------------------------------------------------------------------------------
@register("rand", method=False)
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    shape = _sizes(size, "rand")
    dt = _float_dt(dtype, "check_uniform_bounds")
    dev = _resolve(device)
    return _new(_uniform01(_gen(generator, dev), shape, dt), dt, dev, requires_grad, out)


@register("randn", method=False)
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    shape = _sizes(size, "randn")
    dt = _float_dt(dtype, "normal_kernel_cpu")
    dev = _resolve(device)
    return _new(_std_normal(_gen(generator, dev), shape, dt), dt, dev, requires_grad, out)


def _like_args(input, dtype, device):
    return (input._dtype if dtype is None else D.to_dtype(dtype),
            input._device if device is None else _resolve(device))


@register("rand_like", method=False)
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    dt, dev = _like_args(input, dtype, device)
    return rand(input._data.shape, generator=generator, dtype=dt, device=dev,
                requires_grad=requires_grad)


@register("randn_like", method=False)
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    dt, dev = _like_args(input, dtype, device)
    return randn(input._data.shape, generator=generator, dtype=dt, device=dev,
                 requires_grad=requires_grad)


def _integers(bits, lo, hi, shape, dt):
    """Integers in [lo, hi) stored as ``dt``."""
    if lo >= hi:
        raise _errors.random_from_to(lo, hi)
    return bits.integers(lo, hi, shape, dtype=np.int64).astype(dt.np)


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
    arr = _integers(_gen(generator, dev), int(low), int(high), shape, dt)
    return _new(arr, dt, dev, requires_grad, out)


@register("randint_like", method=False)
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    if high is None:
        low, high = 0, low
    dt, dev = _like_args(input, dtype, device)
    return randint(low, high, input._data.shape, generator=generator, dtype=dt, device=dev,
                   requires_grad=requires_grad)


@register("randperm", method=False)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    n = int(n)
    if n < 0:
        raise _errors.negative_dimension("randperm", (n,))
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    dev = _resolve(device)
    return _new(_gen(generator, dev).permutation(n), dt, dev, requires_grad, out)


# ---- normal -------------------------------------------------------------------------------------
def _check_std(std):
    if isinstance(std, Tensor):
        if std._data.size and bool((std._data < 0).any()):
            raise _errors.normal_std()
    elif std < 0:
        raise _errors.normal_std(std)


def _normal_array(bits, mean, std, shape, dt):
    """mean + std * N(0, 1) of ``shape`` and float dtype ``dt`` (mean/std arrays or scalars)."""
    cdt = _compute_dtype(dt)
    z = _std_normal(bits, shape, cdt)
    z *= std if not hasattr(std, "astype") else std.astype(cdt.np, copy=False)
    z += mean if not hasattr(mean, "astype") else mean.astype(cdt.np, copy=False)
    return z


def _normal_node(mean, std):
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    return "NormalBackward3" if mt and st else "NormalBackward1" if mt else "NormalBackward2"


def _normal_fill(self, mean=0.0, std=1.0, *, generator=None):
    if self._dtype.category < 2:
        raise _errors.kernel_not_implemented("normal_kernel_cpu", self._dtype)
    _check_std(std)
    arr = _normal_array(_gen(generator, self._device), mean, std, self._data.shape, self._dtype)
    return _fill(self, arr, "NormalBackward0")


@register("normal", method=False, inplace=_named_inplace(_normal_fill, "normal_"),
          nodes=("NormalBackward0", "NormalBackward1", "NormalBackward2", "NormalBackward3"))
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):
    """The overloads (Tensor, Tensor), (Tensor, float), (float, Tensor), (float, float, size)."""
    _check_std(std)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise _errors.invalid_arguments("normal", (mean, std), _errors.NORMAL_SIGNATURES)
        dt = _float_dt(dtype, "normal_kernel_cpu")
        dev = _resolve(device)
        arr = _normal_array(_gen(generator, dev), mean, std, _sizes((size,), "normal"), dt)
        return _new(arr, dt, dev, requires_grad, out)
    ts = [t for t in (mean, std) if isinstance(t, Tensor)]
    dt = D.result_type(*ts) if len(ts) == 2 else ts[0]._dtype
    dev = ts[0]._device
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise _errors.broadcast_mismatch(np.shape(m), np.shape(s)) from None
    res = _new(_normal_array(_gen(generator, dev), m, s, shape, dt), dt, dev, False, None)
    _track(res, _normal_node(mean, std), mean, std)
    return res if out is None else write_out(out, res)


# ---- bernoulli, poisson, multinomial ------------------------------------------------------------
def _check_prob(p, name="bernoulli_"):
    if not 0 <= p <= 1:
        raise _errors.random_probability(name, p)


def _bernoulli_array(bits, p, shape, dt):
    return bits.random(shape) < p


def _bernoulli_fill(self, p=0.5, *, generator=None):
    """bernoulli_(p): ``p`` a float or a tensor of probabilities broadcast to ``self``."""
    bits = _gen(generator, self._device)
    if isinstance(p, Tensor):
        if p._data.size and bool(((p._data < 0) | (p._data > 1)).any()):
            raise _errors.bernoulli_tensor_p()
        arr = _bernoulli_array(bits, p._data, self._data.shape, self._dtype)
        return _track(_new(arr, self._dtype, self._device, False, None), "BernoulliBackward1",
                      self, p)
    _check_prob(p)
    arr = _bernoulli_array(bits, p, self._data.shape, self._dtype)
    return _track(_new(arr, self._dtype, self._device, False, None), "BernoulliBackward2", self)




@register("bernoulli", inplace=_named_inplace(_bernoulli_fill, "bernoulli_"),
          nodes=("BernoulliBackward0", "BernoulliBackward1", "BernoulliBackward2"))
def bernoulli(input, p=None, *, generator=None, out=None):
    """Samples 0/1 with probabilities ``input`` (or the scalar ``p``), in ``input``'s dtype."""
    dev = input._device
    bits = _gen(generator, dev)
    if p is None:
        if input._dtype.category < 2:
            raise _errors.kernel_not_implemented("bernoulli_tensor_cpu_p_", input._dtype)
        probs = input._data
        if probs.size and bool(((probs < 0) | (probs > 1)).any()):
            raise _errors.bernoulli_tensor_p()
        node = "BernoulliBackward0"
    else:
        _check_prob(p, "bernoulli_")
        probs, node = p, _NotImplemented
    res = _new(_bernoulli_array(bits, probs, input._data.shape, input._dtype), input._dtype,
               dev, False, None)
    _track(res, node, input)
    return res if out is None else write_out(out, res)


@register("poisson", method=False, nodes=("PoissonBackward0",))
def poisson(input, generator=None):
    rates = input._data
    if rates.size and bool((rates < 0).any()):
        raise _errors.poisson_rate()
    arr = _gen(generator, input._device).poisson(rates.astype(np.float64))
    res = _new(arr, input._dtype, input._device, False, None)
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
    """Category indices drawn per row: with replacement by inverting the CDF (one flat
    searchsorted for all rows), without by the exponential-keys trick (argsort of E / p)."""
    probs = input._data.astype(np.float64)
    _check_multinomial(probs, num_samples, replacement, input._dtype)
    bits = _gen(generator, input._device)
    xp = input._device.backend.xp
    rows = probs.reshape(-1, probs.shape[-1])
    if replacement:
        idx = _sample_cdf(bits, xp, rows, num_samples)
    else:
        keys = bits.standard_exponential(rows.shape) / rows
        idx = xp.argsort(keys, axis=-1, kind="stable")[:, :num_samples]
    res = _new(idx.reshape(probs.shape[:-1] + (num_samples,)), D.int64, input._device, False,
               None)
    return res if out is None else write_out(out, res)


def _sample_cdf(bits, xp, rows, k):
    n, c = rows.shape
    cdf = xp.cumsum(rows, axis=-1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1.0
    offs = xp.arange(n, dtype=np.float64)[:, None]
    u = bits.random((n, k)) + offs
    flat = xp.searchsorted((cdf + offs).reshape(-1), u.reshape(-1), side="right")
    return flat.reshape(n, k) - xp.arange(n)[:, None] * c


# ---- in-place samplers --------------------------------------------------------------------------
def _float_only(self, dist):
    if self._dtype.category < 2:
        raise _errors.continuous_dtype(dist, self._dtype)


def _uniform(self, from_=0.0, to=1.0, *, generator=None):
    if self._dtype.category < 2:
        raise _errors.kernel_not_implemented("check_uniform_bounds", self._dtype)
    if from_ > to:
        raise _errors.uniform_range(from_, to)
    cdt = _compute_dtype(self._dtype)
    u = _uniform01(_gen(generator, self._device), self._data.shape, cdt)
    u *= to - from_     # in place: a fresh temporary per step costs page faults on big weights
    u += from_
    return _fill(self, u, "UniformBackward0")


_RANDOM_MAX = {"float64": 1 << 53, "float32": 1 << 24, "float16": 1 << 11, "bfloat16": 1 << 8,
               "bool": 1}


def _random_top(dt):
    """The inclusive upper end of ``random_()`` for ``dt``."""
    top = _RANDOM_MAX.get(dt.name)
    return int(np.iinfo(dt.np).max) if top is None else top


_UNSET = object()


def _random(self, from_=None, to=_UNSET, *, generator=None):
    """random_(), random_(to), random_(from, to) (``to=None``: up to the dtype's maximum)."""
    if from_ is None:
        lo, hi, node = 0, _random_top(self._dtype) + 1, "RandomBackward2"
    elif to is _UNSET:
        lo, hi, node = 0, int(from_), "RandomBackward1"
    else:
        lo = int(from_)
        hi = _random_top(self._dtype) + 1 if to is None else int(to)
        node = "RandomBackward0"
    arr = _integers(_gen(generator, self._device), lo, hi, self._data.shape, self._dtype)
    return _fill(self, arr, node)


def _continuous(dist, node, sample):
    """An in-place sampler over ``sample(bits, shape, *params, **named)`` for float tensors."""
    def op(self, *params, generator=None, **named):
        _float_only(self, dist)
        cdt = _compute_dtype(self._dtype)
        arr = sample(_gen(generator, self._device), self._data.shape, *params, **named)
        return _fill(self, arr.astype(cdt.np, copy=False), node)
    return op


def _exponential(bits, shape, lambd=1.0):
    if not lambd > 0:
        raise _errors.random_positive("exponential_", "lambda", lambd)
    return bits.standard_exponential(shape) / lambd


def _geometric(bits, shape, p):
    if not 0 < p < 1:
        raise _errors.random_probability("geometric_", p, closed=False)
    return bits.geometric(p, shape)


def _log_normal(bits, shape, mean=1.0, std=2.0):
    if not std > 0:
        raise _errors.random_positive("log_normal_", "std", std)
    return bits.lognormal(mean, std, shape)


def _cauchy(bits, shape, median=0.0, sigma=1.0):
    if not sigma > 0:
        raise _errors.random_positive("cauchy_", "sigma", sigma)
    return median + sigma * bits.standard_cauchy(shape)


uniform_ = _named_inplace(_uniform, "uniform_")
random_ = _named_inplace(_random, "random_")
exponential_ = _named_inplace(_continuous("Exponential", "ExponentialBackward0", _exponential),
                              "exponential_")
geometric_ = _named_inplace(_continuous("Geometric", "GeometricBackward0", _geometric),
                            "geometric_")
log_normal_ = _named_inplace(_continuous("LogNormal", "LogNormalBackward0", _log_normal),
                             "log_normal_")
cauchy_ = _named_inplace(_continuous("Cauchy", "CauchyBackward0", _cauchy), "cauchy_")

for _fn, _node in ((uniform_, "UniformBackward0"),
                   (random_, ("RandomBackward0", "RandomBackward1", "RandomBackward2")),
                   (exponential_, "ExponentialBackward0"), (geometric_, "GeometricBackward0"),
                   (log_normal_, "LogNormalBackward0"), (cauchy_, "CauchyBackward0")):
    register(_fn.__name__, nodes=_node if isinstance(_node, tuple) else (_node,),
             function=False)(_fn)
