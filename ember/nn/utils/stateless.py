"""torch.nn.utils.stateless: the older, deprecated path to ``torch.func.functional_call``."""
import warnings

from ... import _errors
from ...func._functional_call import _call

__all__ = ["functional_call"]


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Deprecated alias of ``ember.func.functional_call`` for a single dict."""
    warnings.warn(_errors.STATELESS_DEPRECATED, FutureWarning, stacklevel=2)
    return _call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights,
                 strict=strict)
