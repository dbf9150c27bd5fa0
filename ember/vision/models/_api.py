"""Weight enums, the model registry and the builder plumbing shared by every architecture.

Pretrained weights are read from a checkpoint the user already has: ``weights_path=`` or
PyTorch's hub cache (``$TORCH_HOME/hub/checkpoints/<file name of the official url>``), so
files downloaded once by torchvision are reused.  Nothing is downloaded here.
"""
import enum
import os
import warnings
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from ... import _errors, hub
from ...serialization import load

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights",
           "get_weight", "list_models", "register_model", "builder"]


@dataclass(eq=False)
class Weights:
    """One set of pretrained weights: where it comes from, its preprocessing and facts."""
    url: str
    transforms: Callable = None
    meta: dict = field(default_factory=dict)

    @property
    def filename(self):
        return os.path.basename(self.url)


class WeightsEnum(enum.Enum):
    """Base of ``ResNet18_Weights`` & co.; members wrap a :class:`Weights`, ``DEFAULT``
    aliases one."""

    @classmethod
    def verify(cls, obj):
        """``None``, a member, or its name (``"DEFAULT"``, ``"Cls.IMAGENET1K_V1"``) -> member."""
        if obj is None or isinstance(obj, cls):
            return obj
        if isinstance(obj, str):
            name = obj.replace(cls.__name__ + ".", "")
            if name not in cls.__members__:
                raise _errors.weights_unknown(obj, cls)
            return cls.__members__[name]
        raise _errors.weights_wrong_type(obj, cls)

    def __getattr__(self, name):
        # url / transforms / meta / filename read through to the wrapped Weights
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.value, name)

    def __repr__(self):
        return f"{type(self).__name__}.{self._name_}"

    def checkpoint_path(self, weights_path=None):
        """Where the checkpoint is read from: ``weights_path`` or the hub cache."""
        if weights_path is not None:
            return os.fspath(weights_path)
        return os.path.join(hub.get_dir(), "checkpoints", self.filename)

    def get_state_dict(self, progress=True, weights_path=None, check_hash=False, **load_kwargs):
        """Load the state dict from the local checkpoint (``progress`` and ``check_hash`` are
        accepted for parity: nothing is downloaded)."""
        path = self.checkpoint_path(weights_path)
        if not os.path.exists(path):
            raise _errors.weights_file_missing(repr(self), self.filename, path, self.url)
        return load(path, map_location="cpu", **load_kwargs)


_URL = "https://download.pytorch.org/models/"


def _weights(file, preset, preset_kwargs, meta):
    from . import _meta, _presets
    meta = dict(meta)
    for key in ("categories", "keypoint_names"):     # names of lists in ``_meta``
        if meta.get(key):
            meta[key] = list(getattr(_meta, meta[key]))
    return Weights(url=_URL + file, transforms=partial(getattr(_presets, preset), **preset_kwargs),
                   meta=meta)


def weights_enum(builder_name, module):
    """The ``*_Weights`` enum of a builder, made from its entry in ``_catalog``."""
    from ._catalog import CATALOG
    cls_name, default, members = CATALOG[builder_name]
    values = {name: _weights(*rest) for name, *rest in members}
    values["DEFAULT"] = values[default]       # the same object: DEFAULT becomes an alias
    enum_cls = WeightsEnum(cls_name, values, module=module)
    enum_cls.__qualname__ = cls_name
    return enum_cls


# ---- builder plumbing ------------------------------------------------------------------------
def resolve_weights(enum_cls, weights, kwargs, legacy, pretrained_param="pretrained",
                    weights_param="weights"):
    """Apply the ``pretrained=`` legacy interface (with torchvision's warnings) and verify.

    ``legacy`` is the member ``pretrained=True`` stands for; the segmentation builders also
    map ``pretrained_backbone=`` onto ``weights_backbone=``.
    """
    if pretrained_param in kwargs:
        pretrained = kwargs.pop(pretrained_param)
        warnings.warn(_errors.pretrained_deprecated_warning(pretrained_param, weights_param),
                      stacklevel=3)
        if weights is None:
            weights = legacy if pretrained else None
            if pretrained:
                warnings.warn(_errors.pretrained_value_warning(
                    weights_param, repr(legacy), f"{enum_cls.__name__}.DEFAULT"), stacklevel=3)
    return enum_cls.verify(weights)


def overwrite_param(kwargs, param, value):
    """Force ``kwargs[param] = value``; a different user value is an error (as torchvision)."""
    if param in kwargs and kwargs[param] != value:
        raise _errors.weights_param_mismatch(param, value, kwargs[param])
    kwargs[param] = value


def build(model_cls, enum_cls, weights, progress, kwargs, legacy, *args, remap=None,
          prepare=None):
    """Shared body of every builder: resolve weights, construct, load the checkpoint.

    ``prepare(weights, kwargs)`` sets the constructor arguments a checkpoint implies (beyond
    ``num_classes``) and may return ``finish(model)``, run after loading (e.g. to drop an
    auxiliary classifier only the checkpoint needed); ``remap`` rewrites the keys of older
    checkpoints before loading.
    """
    weights = resolve_weights(enum_cls, weights, kwargs, legacy)
    weights_path = kwargs.pop("weights_path", None)
    finish = None
    if weights is not None:
        if "categories" in weights.meta:          # optical-flow weights have none
            overwrite_param(kwargs, "num_classes", len(weights.meta["categories"]))
        if prepare is not None:
            finish = prepare(weights, kwargs)
    model = model_cls(*args, **kwargs)
    load_checkpoint(model, weights, progress, weights_path, remap)
    if finish is not None and weights is not None:
        finish(model)
    return model


def load_checkpoint(model, weights, progress=True, weights_path=None, remap=None):
    """Load ``weights`` (or the checkpoint at ``weights_path``) into ``model``, if either."""
    if weights is not None:
        state = weights.get_state_dict(progress=progress, weights_path=weights_path)
    elif weights_path is not None:
        state = load(os.fspath(weights_path), map_location="cpu")
    else:
        return
    model.load_state_dict(remap(state) if remap else state)


def builder(name, model_fn, *, remap=None, prepare=None, legacy=None):
    """Make, register and return ``(Name_Weights, name)`` for one torchvision builder;
    ``model_fn(**kwargs)`` constructs the architecture (``remap``/``prepare``: see ``build``;
    ``legacy`` names the member ``pretrained=True`` loads, by default the first)."""
    import sys
    module = sys._getframe(1).f_globals["__name__"]
    enum_cls = weights_enum(name, module)
    legacy = enum_cls[legacy] if legacy else next(iter(enum_cls))

    def fn(*, weights=None, progress=True, **kwargs):
        return build(model_fn, enum_cls, weights, progress, kwargs, legacy, remap=remap,
                     prepare=prepare)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = module
    fn.__doc__ = (f"torchvision's ``{name}``; ``weights`` a :class:`{enum_cls.__name__}` member, "
                  "its name, or ``None``; ``weights_path`` a local checkpoint.")
    register_model(enum_cls)(fn)
    return enum_cls, fn


# ---- registry --------------------------------------------------------------------------------
_MODELS: dict = {}
_WEIGHTS: dict = {}


def register_model(enum_cls):
    """Decorator: record a builder (and its weight enum) under the builder's name."""
    def wrap(fn):
        _MODELS[fn.__name__] = fn
        _WEIGHTS[fn.__name__] = enum_cls
        return fn
    return wrap


def list_models(module=None, include=None, exclude=None):
    import fnmatch
    names = sorted(n for n, fn in _MODELS.items()
                   if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__)
    if include is not None:
        pats = [include] if isinstance(include, str) else include
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in pats)]
    if exclude is not None:
        pats = [exclude] if isinstance(exclude, str) else exclude
        names = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in pats)]
    return names


def get_model_builder(name):
    try:
        return _MODELS[name.lower()]
    except KeyError:
        raise _errors.unknown_model(name) from None


def get_model(name, **config: Any):
    return get_model_builder(name)(**config)


def get_model_weights(name):
    if callable(name):
        name = name.__name__
    get_model_builder(name)
    return _WEIGHTS[name.lower()]


def get_weight(name):
    """``"ResNet18_Weights.IMAGENET1K_V1"`` -> the member."""
    cls_name, _, member = name.partition(".")
    for enum_cls in _WEIGHTS.values():
        if enum_cls.__name__ == cls_name:
            return enum_cls.verify(member)
    raise _errors.weights_unknown(name, WeightsEnum)
