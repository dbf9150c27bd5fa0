"""Colour v2 transforms."""
import collections.abc

from .... import empty, rand, randperm
from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import query_chw
from .... import _errors


class Grayscale(Transform):
    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=self.num_output_channels)


class RandomGrayscale(_RandomApplyTransform):
    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        return dict(num_input_channels=query_chw(flat_inputs)[0])

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=params["num_input_channels"])


def _uniform(lo, hi):
    return float(empty(1).uniform_(lo, hi).item())


class ColorJitter(Transform):
    """Brightness, contrast, saturation and hue changes in a random order."""

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5),
                                     clip_first_on_zero=False)

    @staticmethod
    def _check_input(value, name, center=1.0, bound=(0, float("inf")), clip_first_on_zero=True):
        if value is None:
            return None
        if isinstance(value, (int, float)):
            if value < 0:
                raise _errors.single_number_negative(name)
            value = [center - value, center + value]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, collections.abc.Sequence) and len(value) == 2:
            value = [float(v) for v in value]
        else:
            raise _errors.v2_single_number_sequence_length_2(name, value)
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise _errors.v2_values_between_increasing(name, bound, value)
        return None if value[0] == value[1] == center else (float(value[0]), float(value[1]))

    def make_params(self, flat_inputs):
        fn_idx = randperm(4)
        factors = [None if r is None else _uniform(*r)
                   for r in (self.brightness, self.contrast, self.saturation, self.hue)]
        return dict(fn_idx=fn_idx, brightness_factor=factors[0], contrast_factor=factors[1],
                    saturation_factor=factors[2], hue_factor=factors[3])

    def transform(self, inpt, params):
        steps = ((F.adjust_brightness, "brightness_factor"),
                 (F.adjust_contrast, "contrast_factor"),
                 (F.adjust_saturation, "saturation_factor"), (F.adjust_hue, "hue_factor"))
        for fn_id in params["fn_idx"].tolist():
            functional, name = steps[fn_id]
            if params[name] is not None:
                inpt = self._call_kernel(functional, inpt, params[name])
        return inpt


class RandomInvert(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.invert, inpt)


class RandomPosterize(_RandomApplyTransform):
    def __init__(self, bits, p=0.5):
        super().__init__(p=p)
        self.bits = bits

    def transform(self, inpt, params):
        return self._call_kernel(F.posterize, inpt, bits=self.bits)


class RandomSolarize(_RandomApplyTransform):
    def __init__(self, threshold, p=0.5):
        super().__init__(p=p)
        self.threshold = threshold

    def transform(self, inpt, params):
        return self._call_kernel(F.solarize, inpt, threshold=self.threshold)


class RandomAutocontrast(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.autocontrast, inpt)


class RandomEqualize(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.equalize, inpt)


class RandomAdjustSharpness(_RandomApplyTransform):
    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p=p)
        self.sharpness_factor = sharpness_factor

    def transform(self, inpt, params):
        return self._call_kernel(F.adjust_sharpness, inpt,
                                 sharpness_factor=self.sharpness_factor)


class RandomChannelPermutation(Transform):
    def make_params(self, flat_inputs):
        return dict(permutation=randperm(query_chw(flat_inputs)[0]).tolist())

    def transform(self, inpt, params):
        return self._call_kernel(F.permute_channels, inpt, params["permutation"])


class RandomPhotometricDistort(Transform):
    """SSD's photometric distortion: each colour change (and a channel permutation) with
    probability ``p``, contrast before or after saturation/hue."""

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5),
                 hue=(-0.05, 0.05), p=0.5):
        super().__init__()
        self.brightness, self.contrast, self.hue, self.saturation = (brightness, contrast, hue,
                                                                     saturation)
        self.p = p

    def make_params(self, flat_inputs):
        num_channels = query_chw(flat_inputs)[0]
        params = {key: _uniform(*bounds) if bool(rand(1) < self.p) else None
                  for key, bounds in (("brightness_factor", self.brightness),
                                      ("contrast_factor", self.contrast),
                                      ("saturation_factor", self.saturation),
                                      ("hue_factor", self.hue))}
        params["contrast_before"] = bool(rand(()) < 0.5)
        params["channel_permutation"] = randperm(num_channels).tolist() \
            if bool(rand(1) < self.p) else None
        return params

    def transform(self, inpt, params):
        contrast = params["contrast_factor"] is not None
        steps = ((F.adjust_brightness, params["brightness_factor"]),
                 (F.adjust_contrast, params["contrast_factor"] if params["contrast_before"]
                  else None),
                 (F.adjust_saturation, params["saturation_factor"]),
                 (F.adjust_hue, params["hue_factor"]),
                 (F.adjust_contrast, params["contrast_factor"] if contrast and
                  not params["contrast_before"] else None),
                 (F.permute_channels, params["channel_permutation"]))
        for functional, arg in steps:
            if arg is not None:
                inpt = self._call_kernel(functional, inpt, arg)
        return inpt


class RGB(Transform):
    """Grayscale images to three channels (RGB images unchanged)."""

    def transform(self, inpt, params):
        return self._call_kernel(F.grayscale_to_rgb, inpt)
