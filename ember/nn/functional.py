"""``torch.nn.functional``: each family lives in ``nn/_functional/<family>.py``."""
from ._functional.activation import *  # noqa: F401,F403
from ._functional.linear import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.sparse import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
from ._functional.vision import *  # noqa: F401,F403
from ._functional.normalization import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
from ._functional.linear_cross_entropy import *  # noqa: F401,F403
from ._functional.grid import *  # noqa: F401,F403
from ._functional.fractional_pool import *  # noqa: F401,F403
from ._functional.dispatch import *  # noqa: F401,F403

from .. import _subclass  # noqa: E402
from .._ops._numpy_names import parsed as _parsed  # noqa: E402

# The functions torch binds from its native signatures: its argument parser takes NumPy's
# keyword names for them (``F.conv2d(x=...)``), as for the ops in ``ember``; those written in
# Python in torch (``F.relu``, ``F.softmax``) do not.
_PARSED_IN_TORCH = (
    "adaptive_avg_pool1d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "bilinear", "celu_",
    "channel_shuffle", "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "cosine_similarity", "elu_", "gelu", "hardshrink",
    "hardtanh_", "leaky_relu_", "linear", "logsigmoid", "native_channel_shuffle", "one_hot",
    "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "prelu", "relu_",
    "rrelu_", "scaled_dot_product_attention", "selu_", "softplus", "softshrink", "threshold_")
for _name in _PARSED_IN_TORCH:
    globals()[_name] = _parsed(globals()[_name], _name, __name__)

_subclass.add_public_functions(v for n, v in list(globals().items())
                               if not n.startswith("_") and callable(v)
                               and getattr(v, "__module__", "").startswith("ember.nn"))


def __getattr__(name):
    if name == "grad":      # torch.nn.functional.grad is the module torch.nn.grad
        from . import grad
        return grad
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
