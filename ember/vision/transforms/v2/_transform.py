"""``Transform``: the base of the v2 transforms.

A call flattens its inputs (any nesting of tuples, lists and dicts), draws the random
parameters once from the entries it transforms and applies ``transform`` to each of them, so an
image and its boxes, masks and keypoints change together.  A pure tensor counts as the image
only when the sample has no ``Image``, ``Video`` or PIL image, and only the first one does;
other entries (labels, strings ...) pass through.
"""
import enum

from .... import rand
from ...._tensor import Tensor
from ....nn.modules.module import Module
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from ..._pil import is_pil_image
from .functional._utils import _kernel_for, is_pure_tensor
from ._utils import check_type, has_any
from .... import _errors


class Transform(Module):
    _transformed_types = (Tensor, is_pil_image)

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        """The random parameters of one call, drawn from the inputs to transform."""
        return dict()

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        return _kernel_for(functional, inpt, allow_passthrough=True)(inpt, *args, **kwargs)

    def transform(self, inpt, params):
        raise NotImplementedError

    def _apply(self, flat_inputs, spec):
        needs = self._needs_transform_list(flat_inputs)
        params = self.make_params([x for x, n in zip(flat_inputs, needs) if n])
        return tree_unflatten([self.transform(x, params) if n else x
                               for x, n in zip(flat_inputs, needs)], spec)

    def forward(self, *inputs):
        flat_inputs, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat_inputs)
        return self._apply(flat_inputs, spec)

    def _needs_transform_list(self, flat_inputs):
        needs = []
        transform_pure_tensor = not has_any(flat_inputs, tv_tensors.Image, tv_tensors.Video,
                                            is_pil_image)
        for inpt in flat_inputs:
            need = check_type(inpt, self._transformed_types)
            if need and is_pure_tensor(inpt):
                need, transform_pure_tensor = transform_pure_tensor, False
            needs.append(need)
        return needs

    def extra_repr(self):
        return ", ".join(
            f"{name}={value}" for name, value in self.__dict__.items()
            if not name.startswith("_") and name != "training"
            and isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)))


class _RandomApplyTransform(Transform):
    """A transform applied with probability ``p`` (one draw per call)."""

    def __init__(self, p=0.5):
        if not 0.0 <= p <= 1.0:
            raise _errors.v2_p_floating_point_value_interval()
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        if bool(rand(1) >= self.p):
            return inputs
        return self._apply(flat_inputs, spec)
