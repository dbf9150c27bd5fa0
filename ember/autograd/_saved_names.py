"""The names torch gives the tensors a built-in backward node saves (``MulBackward0`` exposes
``_saved_self`` and ``_saved_other``), by position in the node's saved tuple.

Graph-drawing tools read these attributes to show what each node keeps for backward.  Listed are
the nodes whose saved tensors line up with torch's; ``None`` marks a slot Ember saves that torch
does not expose.  Scalar arguments torch also saves (``_saved_alpha``, ``_saved_dim``) are not
reproduced.
"""

_SELF = ("self",)
_RESULT = ("result",)

SAVED_NAMES = {
    "MulBackward0": ("self", "other"),
    "DivBackward0": ("self", "other"),
    "MmBackward0": ("self", "mat2"),
    "BmmBackward0": ("self", "mat2"),
    "AddmmBackward0": ("mat1", "mat2"),
    "MseLossBackward0": ("self", "target"),
    "ConvolutionBackward0": ("input", "weight"),
    "WhereBackward0": ("condition",),
    **{name: _RESULT for name in (
        "ExpBackward0", "TanhBackward0", "SigmoidBackward0", "ReluBackward0", "SqrtBackward0",
        "RsqrtBackward0", "SoftmaxBackward0", "LogSoftmaxBackward0")},
    **{name: _SELF for name in (
        "PowBackward0", "LogBackward0", "GeluBackward0", "SinBackward0", "CosBackward0",
        "AbsBackward0", "ClampBackward1", "SiluBackward0", "LeakyReluBackward0")},
}
