"""MNASNet (Tan et al., 2018), the B1 variant: ``mnasnet0_5``, ``0_75``, ``1_0``, ``1_3``."""
import warnings
from functools import partial

from ... import _errors, nn
from ._api import builder

__all__ = ["MNASNet", "MNASNet0_5_Weights", "MNASNet0_75_Weights", "MNASNet1_0_Weights",
           "MNASNet1_3_Weights", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]

# TensorFlow's batch-norm decay 0.9997, as PyTorch momentum
_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size, stride, expansion_factor, bn_momentum=0.1):
        super().__init__()
        if stride not in (1, 2):
            raise _errors.value_should_be("stride", "1 or 2", stride)
        if kernel_size not in (3, 5):
            raise _errors.value_should_be("kernel_size", "3 or 5", kernel_size)
        mid = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid, 1, bias=False), nn.BatchNorm2d(mid, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, kernel_size, padding=kernel_size // 2, stride=stride, groups=mid,
                      bias=False),
            nn.BatchNorm2d(mid, momentum=bn_momentum), nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_ch, 1, bias=False), nn.BatchNorm2d(out_ch, momentum=bn_momentum))

    def forward(self, input):
        out = self.layers(input)
        return out + input if self.apply_residual else out


def _stack(in_ch, out_ch, kernel_size, stride, exp_factor, repeats, bn_momentum):
    if repeats < 1:
        raise _errors.mnasnet_repeats(repeats)
    return nn.Sequential(
        _InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum),
        *[_InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum)
          for _ in range(1, repeats)])


def _round_to_multiple_of(val, divisor, round_up_bias=0.9):
    """Round to a multiple of ``divisor``, up unless that lands within 10% above ``val``."""
    if not 0.0 < round_up_bias < 1.0:
        raise _errors.value_should_be("round_up_bias", "greater than 0.0 and smaller than 1.0",
                                    round_up_bias)
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha):
    return [_round_to_multiple_of(d * alpha, 8) for d in (32, 16, 24, 40, 80, 96, 192, 320)]


def _stem(depths, first_stack_in):
    """The first nine layers; version-1 checkpoints used unscaled widths here."""
    c0, c1 = depths[0], depths[1]
    return [nn.Conv2d(3, c0, 3, padding=1, stride=2, bias=False),
            nn.BatchNorm2d(c0, momentum=_BN_MOMENTUM), nn.ReLU(inplace=True),
            nn.Conv2d(c0, c0, 3, padding=1, stride=1, groups=c0, bias=False),
            nn.BatchNorm2d(c0, momentum=_BN_MOMENTUM), nn.ReLU(inplace=True),
            nn.Conv2d(c0, c1, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(c1, momentum=_BN_MOMENTUM),
            _stack(first_stack_in, depths[2], 3, 2, 3, 3, _BN_MOMENTUM)]


class MNASNet(nn.Module):
    _version = 2

    def __init__(self, alpha, num_classes=1000, dropout=0.2):
        super().__init__()
        if alpha <= 0.0:
            raise _errors.value_should_be("alpha", "greater than 0.0", alpha)
        self.alpha = alpha
        self.num_classes = num_classes
        d = _get_depths(alpha)
        self.layers = nn.Sequential(
            *_stem(d, d[1]),
            _stack(d[2], d[3], 5, 2, 3, 3, _BN_MOMENTUM),
            _stack(d[3], d[4], 5, 2, 6, 3, _BN_MOMENTUM),
            _stack(d[4], d[5], 3, 1, 6, 2, _BN_MOMENTUM),
            _stack(d[5], d[6], 5, 2, 6, 4, _BN_MOMENTUM),
            _stack(d[6], d[7], 3, 1, 6, 1, _BN_MOMENTUM),
            nn.Conv2d(d[7], 1280, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(1280, momentum=_BN_MOMENTUM), nn.ReLU(inplace=True))
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(1280, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, mode="fan_out", nonlinearity="sigmoid")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.layers(x).mean([2, 3]))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if version not in (1, 2):
            raise _errors.value_should_be("version", "set to 1 or 2", version)
        if version == 1 and self.alpha != 1.0:
            # a version-1 checkpoint: rebuild the stem at its unscaled widths
            for idx, layer in enumerate(_stem([32, 16] + _get_depths(self.alpha)[2:], 16)):
                self.layers[idx] = layer
            self._version = 1
            warnings.warn(_errors.mnasnet_v1_checkpoint_warning(), UserWarning)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


MNASNet0_5_Weights, mnasnet0_5 = builder("mnasnet0_5", partial(MNASNet, 0.5))
MNASNet0_75_Weights, mnasnet0_75 = builder("mnasnet0_75", partial(MNASNet, 0.75))
MNASNet1_0_Weights, mnasnet1_0 = builder("mnasnet1_0", partial(MNASNet, 1.0))
MNASNet1_3_Weights, mnasnet1_3 = builder("mnasnet1_3", partial(MNASNet, 1.3))
