"""The detection builders' shared plumbing: weights / backbone weights (and their legacy
``pretrained*`` flags), ``num_classes``, which backbone layers train, the checkpoint."""
import sys
from dataclasses import dataclass

from .... import nn
from ...ops import misc as misc_nn_ops
from .._api import get_model_weights, load_checkpoint, register_model, resolve_weights, \
    weights_enum
from ..segmentation._utils import _value_param
from .backbone_utils import _validate_trainable_layers

__all__ = ["detection_builder", "BuildConfig"]

_DEFAULT = object()      # "weights_backbone not given"


@dataclass
class BuildConfig:
    """What a builder resolved, handed to its ``assemble(cfg, **kwargs)``."""
    weights: object
    weights_backbone: object
    num_classes: int
    trainable_layers: int
    progress: bool

    @property
    def is_trained(self):
        return self.weights is not None or self.weights_backbone is not None

    @property
    def norm_layer(self):
        """Frozen batch norm under pretrained weights, trainable batch norm from scratch."""
        return misc_nn_ops.FrozenBatchNorm2d if self.is_trained else nn.BatchNorm2d


def detection_builder(name, backbone_builder, assemble, *, trainable=(5, 3),
                      backbone_default="IMAGENET1K_V1",
                      default_classes=91, defaults=None, prepare=None, finish=None):
    """Make, register and return ``(Name_Weights, name)`` for a detection builder.

    ``assemble(cfg, **kwargs)`` builds the model from a :class:`BuildConfig`; ``trainable``
    is ``(max, default)`` of ``trainable_backbone_layers``; ``backbone_default`` names the
    backbone weights used by default, or is None (as in torchvision, they are read from the
    hub cache; ``weights_backbone=None`` skips them); ``default_classes`` is ``num_classes``
    without weights; ``defaults`` are keyword defaults the caller may override;
    ``prepare(weights, kwargs)`` fixes further arguments a checkpoint implies;
    ``finish(model, weights)`` runs after a checkpoint is loaded."""
    module = sys._getframe(1).f_globals["__name__"]
    enum_cls = weights_enum(name, module)
    backbone_enum = get_model_weights(backbone_builder)

    def fn(*, weights=None, progress=True, num_classes=None, weights_backbone=_DEFAULT,
           trainable_backbone_layers=None, **kwargs):
        # ``pretrained=True`` stands for the default weights (COCO_V1)
        weights = resolve_weights(enum_cls, weights, kwargs, enum_cls.DEFAULT)
        if weights_backbone is _DEFAULT:
            weights_backbone = backbone_enum[backbone_default] if backbone_default and \
                "pretrained_backbone" not in kwargs else None
        legacy = backbone_enum[backbone_default or "IMAGENET1K_V1"]
        weights_backbone = resolve_weights(backbone_enum, weights_backbone, kwargs, legacy,
                                           "pretrained_backbone",
                                           "weights_backbone")
        weights_path = kwargs.pop("weights_path", None)
        if weights is not None:
            weights_backbone = None
            num_classes = _value_param("num_classes", num_classes,
                                       len(weights.meta["categories"]))
            if prepare is not None:
                prepare(weights, kwargs)
        elif num_classes is None:
            num_classes = default_classes
        trained = weights is not None or weights_backbone is not None
        layers = _validate_trainable_layers(trained, trainable_backbone_layers, *trainable)
        cfg = BuildConfig(weights, weights_backbone, num_classes, layers, progress)
        model = assemble(cfg, **{**(defaults or {}), **kwargs})
        load_checkpoint(model, weights, progress, weights_path)
        if finish is not None and weights is not None:
            finish(model, weights)
        return model
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = module
    fn.__doc__ = (f"torchvision's ``{name}``; ``weights`` a :class:`{enum_cls.__name__}` member, "
                  "its name, or ``None``; ``weights_backbone`` the backbone's; ``weights_path`` "
                  "a local checkpoint.")
    register_model(enum_cls)(fn)
    return enum_cls, fn
