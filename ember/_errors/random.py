"""Random sampling and generators."""
from .base import legacy_scalar_type


# ---- random sampling -------------------------------------------------------------------------
def _num(x):
    """A double as PyTorch's messages print it (2, 0.5, 1e-05)."""
    return f"{x:g}"


def random_positive(fn, param, value):
    return RuntimeError(f"{fn} expects {param} > 0.0, but found {param}={_num(value)}")


def random_probability(fn, p, closed=True):
    bounds = "[0, 1]" if closed else "(0, 1)"
    return RuntimeError(f"{fn} expects p to be in {bounds}, but got p={_num(p)}")


def normal_std(std=None):
    """A negative ``std`` (None: some element of a std tensor is negative)."""
    if std is None:
        return RuntimeError("normal expects all elements of std >= 0.0")
    return RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")


NORMAL_SIGNATURES = (
    "Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
    "Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None",
    "float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None",
    "float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out "
    "= None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False")


def poisson_rate():
    return RuntimeError("invalid Poisson rate, expected rate to be non-negative")


def binomial_dtype(name, dtype):
    return ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                      f"{legacy_scalar_type(dtype)}")


def output_resized_warning(old, new):
    """TensorIterator resizing an output of another shape (deprecated in PyTorch)."""
    return UserWarning(
        f"An output with one or more elements was resized since it had shape {list(old)}, which "
        f"does not match the required output shape {list(new)}. This behavior is deprecated, "
        "and in a future PyTorch release outputs will not be resized unless they have zero "
        "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
        "elements with t.resize_(0).")


def multinomial_dtype(dtype):
    return RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                        f"{legacy_scalar_type(dtype)}")


def multinomial_error(what):
    texts = {
        "dims": "prob_dist must be 1 or 2 dim",
        "zero": "cannot sample n_sample <= 0 samples",
        "too_many": "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
        "categories": "number of categories cannot exceed 2^24",
        "invalid": "probability tensor contains either `inf`, `nan` or element < 0",
        "sum": "invalid multinomial distribution (sum of probabilities <= 0)",
    }
    return RuntimeError(texts[what])


def generator_type(obj):
    return TypeError(f"expected a torch.Generator, got {type(obj).__name__}")


def seed_overflow():
    return ValueError("Overflow when unpacking long long")


def rng_state_type(state, is_tensor):
    if is_tensor:
        return TypeError("RNG state must be a torch.ByteTensor")
    return TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")


def rng_state_size(device_type, expected, got):
    if device_type == "cuda":
        return RuntimeError("RNG state is wrong size")
    return RuntimeError(f"Expected a CPUGeneratorImplState of size {expected} but found the "
                        f"input RNG state size to be {got}")


def random_from_to(lo, hi):
    return RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= "
                        f"to={hi}")


def uniform_range(lo, hi):
    return RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                        f"from={_num(lo)} > to={_num(hi)}")


def generator_device(expected, found):
    return RuntimeError(f"Expected a '{expected}' device type for generator but found '{found}'")


def bernoulli_tensor_p():
    return RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                        "error message be improved?  If so, please report an enhancement request "
                        "to PyTorch.)")


def factory_requires_grad_dtype():
    return RuntimeError("Only Tensors of floating point and complex dtype can require gradients")


def continuous_dtype(dist, dtype):
    return RuntimeError(f"{dist} distribution is a continuous probability distribution. dtype "
                        f"must be a floating point but you specified {legacy_scalar_type(dtype)}")


_C_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16"}
_LIMIT_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half",
               "bfloat16": "BFloat16"}


def uniform_bound(which, dtype):
    return RuntimeError(f"{which} is out of bounds for {_C_TYPE[dtype.name]}")


def uniform_span(lo, hi, dtype):
    return RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<"
                        f"{_LIMIT_TYPE[dtype.name]}>::max(), but found to={hi:g} and from={lo:g} "
                        "which result in to-from to exceed the limit")


# ---- torch.quasirandom -------------------------------------------------------------------
def quasirandom_missing():
    return ModuleNotFoundError("ember.quasirandom reads Sobol' direction numbers from SciPy: "
                               "pip install 'ember[quasirandom]'")


def sobol_dimension(maxdim):
    return ValueError(f"Supported range of dimensionality for SobolEngine is [1, {maxdim}]")


def sobol_base2(generated, m, total):
    return ValueError("The balance properties of Sobol' points require n to be a power of 2. "
                      f"{generated} points have been previously generated, then: "
                      f"n={generated}+2**{m}={total}. If you still want to do this, please use "
                      "'SobolEngine.draw()' instead.")
