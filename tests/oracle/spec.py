"""The format of oracle-harness entries.  Each op family has a ``specs_<family>.py`` module
with a list ``SPECS`` of ``OpSpec``; the harness (``harness.py``) runs each entry in ember and
in torch 2.13 on the same inputs and compares values, dtypes, shapes and input gradients, then
runs float64 gradcheck.  Every op registered in ``ember._ops._core.OPS`` must have an entry
(or be listed, with a reason, in ``specs_exempt.py``).

Inputs are described by ``T(...)`` placeholders; the harness materialises them with a seeded
NumPy RNG into the same values for both libraries (as float32 or float64 per run for
``dtype=None``).
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union


@dataclass(frozen=True)
class T:
    """A tensor argument: ``shape``; ``dtype`` None means the run's float dtype, else a dtype
    name ('int64', 'bool', ...); values uniform in [low, high) (ints: integers in [low, high));
    ``noncontig`` makes it a non-contiguous view with the same values; ``grad`` marks it as
    differentiable (float tensors only)."""
    shape: tuple
    dtype: Optional[str] = None
    low: float = -2.0
    high: float = 2.0
    noncontig: bool = False
    grad: bool = True


@dataclass(frozen=True)
class DT:
    """A dtype argument by name ('float64', 'int32', ...): the harness passes ``lib.<name>``.
    ``DT(None)`` is the run's float dtype."""
    name: Optional[str] = None


@dataclass
class Case:
    """One sample.  ``error=True``: torch raises for it and ember must raise the same exception
    type (and, when ``match`` is given, both messages must contain that regex; the default
    compares the first lines of the two messages exactly).  ``gradcheck=False`` skips finite
    differences for a sample where they are meaningless (e.g. a NaN result)."""
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    error: bool = False
    match: Optional[str] = None
    gradcheck: bool = True


@dataclass
class OpSpec:
    """``name``: the key in ember's op table.  ``call(lib, *args, **kwargs)`` runs the op given
    the library module (``ember`` or ``torch``); by default ``getattr(lib, name)``.  ``cases``
    are the samples.  ``grad``: compare gradients; ``gradcheck``: float64 finite differences;
    ``gradgradcheck``: second order too (the default: float64 finite differences of the
    vector-Jacobian product, and the node names of gradients taken with ``create_graph=True``
    compared with torch's); a string turns it off and says why (e.g. torch has no double
    backward for the op); ``dtypes``: float dtypes to run ("float32",
    "float64"); ``tol``: per-dtype tolerance overrides {dtype: (rtol, atol)};
    ``output``: pick the compared output from a tuple result (e.g. ``lambda r: r[0]``);
    ``values=False`` compares only dtypes and shapes (random ops); ``node_names``: compare
    ``type(out.grad_fn).__name__`` with torch's."""
    name: str
    cases: Sequence[Case]
    call: Optional[Callable[..., Any]] = None
    grad: bool = True
    gradcheck: bool = True
    gradgradcheck: Union[bool, str] = True
    dtypes: Sequence[str] = ("float32", "float64")
    tol: dict = field(default_factory=dict)
    output: Optional[Callable[[Any], Any]] = None
    node_names: bool = True
    values: bool = True
