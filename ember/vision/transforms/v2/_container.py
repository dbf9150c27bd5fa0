"""Compose, RandomApply, RandomChoice and RandomOrder for v2 transforms (any callables)."""
from .... import rand, randperm, multinomial, tensor as _tensor
from ....nn.modules.container import ModuleList
from ._transform import Transform
from .... import _errors


def _check_transforms(transforms):
    if not isinstance(transforms, (list, tuple)) and not isinstance(transforms, ModuleList):
        raise _errors.v2_argument_transforms_sequence_callables()
    if not transforms:
        raise _errors.v2_pass_at_least_one_transform()


def _listing(transforms):
    return "\n".join(f"    {t}" for t in transforms)


def _run(transform, inputs, needs_unpacking):
    outputs = transform(*inputs)
    return outputs if needs_unpacking else (outputs,)


class Compose(Transform):
    def __init__(self, transforms):
        super().__init__()
        _check_transforms(transforms)
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for transform in self.transforms:
            inputs = _run(transform, inputs, needs_unpacking)
        return inputs if needs_unpacking else inputs[0]

    def extra_repr(self):
        return _listing(self.transforms)


class RandomApply(Transform):
    """Apply all of ``transforms`` with probability ``p``."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        if not isinstance(transforms, (list, tuple, ModuleList)):
            raise _errors.v2_argument_transforms_sequence_callables_nn()
        self.transforms = transforms
        if not 0.0 <= p <= 1.0:
            raise _errors.v2_p_floating_point_value_interval()
        self.p = p

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        if bool(rand(1) >= self.p):
            return inputs if needs_unpacking else inputs[0]
        for transform in self.transforms:
            inputs = _run(transform, inputs, needs_unpacking)
        return inputs if needs_unpacking else inputs[0]

    def extra_repr(self):
        return _listing(self.transforms)


class RandomChoice(Transform):
    """Apply one of ``transforms``, picked with probabilities ``p`` (default uniform)."""

    def __init__(self, transforms, p=None):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise _errors.v2_argument_transforms_sequence_callables()
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise _errors.v2_length_p_doesn_t_match(p, transforms)
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        idx = int(multinomial(_tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    def __init__(self, transforms):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise _errors.v2_argument_transforms_sequence_callables()
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for idx in randperm(len(self.transforms)).tolist():
            inputs = _run(self.transforms[idx], inputs, needs_unpacking)
        return inputs if needs_unpacking else inputs[0]


