"""``torch.fx.passes.shape_prop.ShapeProp`` against torch: each node's ``tensor_meta`` (shape,
dtype, requires_grad, strides, memory format, quantization) and ``type``."""
import numpy as np
import torch

import ember


def _model(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.nn.Conv2d(3, 4, 3)
            self.fc = lib.nn.Linear(4, 2)

        def forward(self, x, scale):
            y = self.conv(x).relu()
            a, b = y.split(2, 1)
            z = lib.cat([a, b], 1).mean((2, 3)) * scale
            return self.fc(z), (a.shape[0], z.transpose(0, 1), z.int())
    return M()


def _annotations(lib, x):
    from importlib import import_module
    shape_prop = import_module(f"{lib.__name__}.fx.passes.shape_prop")
    gm = lib.fx.symbolic_trace(_model(lib))
    shape_prop.ShapeProp(gm).propagate(lib.tensor(x), 2.0)

    def plain(meta):
        if isinstance(meta, shape_prop.TensorMetadata):
            return (tuple(meta.shape), str(meta.dtype), meta.requires_grad, meta.stride,
                    str(meta.memory_format), meta.is_quantized, meta.qparams)
        if isinstance(meta, (tuple, list)):
            return [plain(m) for m in meta]
        return meta
    return [(n.op, n.name, plain(n.meta.get("tensor_meta")), n.meta["type"].__name__)
            for n in gm.graph.nodes], shape_prop.TensorMetadata._fields


def test_annotations_as_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype("float32")
    assert _annotations(ember, x) == _annotations(torch, x)


def test_channels_last_layouts_as_torch():
    x = np.random.default_rng(1).standard_normal((2, 3, 8, 8)).astype("float32")
    x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)    # NHWC memory
    assert _annotations(ember, x) == _annotations(torch, x)
