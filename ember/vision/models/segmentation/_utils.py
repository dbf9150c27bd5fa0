"""The segmentation models' shared parts: the backbone + head(s) model and the builder."""
import sys
from collections import OrderedDict

from .... import _errors, nn
from ....nn import functional as F
from .._api import (get_model_weights, load_checkpoint, register_model, resolve_weights,
                    weights_enum)

__all__ = ["_SimpleSegmentationModel", "segmentation_builder"]


class _SimpleSegmentationModel(nn.Module):
    """Backbone features -> classifier (and optional auxiliary classifier), each upsampled
    bilinearly to the input size; returns ``{"out": ..., "aux": ...}``."""
    __constants__ = ["aux_classifier"]

    def __init__(self, backbone, classifier, aux_classifier=None):
        super().__init__()
        self.backbone = backbone
        self.classifier = classifier
        self.aux_classifier = aux_classifier

    def forward(self, x):
        size = x.shape[-2:]
        features = self.backbone(x)
        result = OrderedDict()
        result["out"] = F.interpolate(self.classifier(features["out"]), size=size,
                                      mode="bilinear", align_corners=False)
        if self.aux_classifier is not None:
            result["aux"] = F.interpolate(self.aux_classifier(features["aux"]), size=size,
                                          mode="bilinear", align_corners=False)
        return result


_DEFAULT = object()      # "weights_backbone not given": ImageNet weights unless pretrained_backbone


def _value_param(param, actual, expected):
    if actual is not None and actual != expected:
        raise _errors.weights_param_mismatch(param, expected, actual)
    return expected


def segmentation_builder(name, backbone_builder, backbone_kwargs, assemble, has_aux=True):
    """Make, register and return ``(Name_Weights, name)`` for a segmentation builder:
    ``backbone_builder(weights=weights_backbone, **backbone_kwargs)`` then
    ``assemble(backbone, num_classes, aux_loss)``.  As torchvision, the backbone's ImageNet
    weights are the default (read from the hub cache; ``weights_backbone=None`` to skip)."""
    module = sys._getframe(1).f_globals["__name__"]
    enum_cls = weights_enum(name, module)
    backbone_enum = get_model_weights(backbone_builder)

    def fn(*, weights=None, progress=True, num_classes=None, aux_loss=None,
           weights_backbone=_DEFAULT, **kwargs):
        if not has_aux and aux_loss:
            raise _errors.no_aux_loss()
        weights = resolve_weights(enum_cls, weights, kwargs, next(iter(enum_cls)))
        if weights_backbone is _DEFAULT:
            # ``pretrained_backbone=False`` means no backbone weights
            weights_backbone = None if "pretrained_backbone" in kwargs else \
                backbone_enum.IMAGENET1K_V1
        weights_backbone = resolve_weights(backbone_enum, weights_backbone, kwargs,
                                           backbone_enum.IMAGENET1K_V1, "pretrained_backbone",
                                           "weights_backbone")
        if weights is not None:
            weights_backbone = None
            num_classes = _value_param("num_classes", num_classes,
                                       len(weights.meta["categories"]))
            if has_aux:
                aux_loss = _value_param("aux_loss", aux_loss, True)
        elif num_classes is None:
            num_classes = 21
        backbone = backbone_builder(weights=weights_backbone, **backbone_kwargs)
        model = assemble(backbone, num_classes, aux_loss) if has_aux else \
            assemble(backbone, num_classes)
        load_checkpoint(model, weights, progress, kwargs.get("weights_path"))
        return model
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = module
    fn.__doc__ = (f"torchvision's ``{name}``; ``weights`` a :class:`{enum_cls.__name__}` member, "
                  "its name, or ``None``; ``weights_backbone`` the backbone's.")
    register_model(enum_cls)(fn)
    return enum_cls, fn
