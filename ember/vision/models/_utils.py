"""``torchvision.models._utils``: the feature extractor used by the segmentation models."""
from collections import OrderedDict

from ... import _errors, nn

__all__ = ["IntermediateLayerGetter"]


class IntermediateLayerGetter(nn.ModuleDict):
    """The children of ``model`` up to the last one named in ``return_layers``; ``forward``
    runs them in order and returns ``{return_layers[name]: output}`` of the named ones.
    (Only direct children can be named, and they must be used in registration order.)"""
    _version = 2

    def __init__(self, model, return_layers):
        if not set(return_layers).issubset(name for name, _ in model.named_children()):
            raise _errors.return_layers_missing()
        remaining = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            remaining.pop(name, None)
            if not remaining:
                break
        super().__init__(layers)
        self.return_layers = return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out
