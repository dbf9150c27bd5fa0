"""``transforms.v2.JPEG`` / ``v2.functional.jpeg`` against real torchvision 0.28 (PIL inputs,
argument checks, the drawn quality) and against Pillow's own round trip (tensor inputs: the
torchvision wheel's compiled codecs cannot load beside the CPU torch)."""
import io

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import v2

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def tv():
    from tests.oracle import torchvision_ref
    torchvision_ref.load()
    import torchvision.transforms.v2
    return torchvision.transforms.v2


def _pillow_round_trip(frame, quality):
    """A uint8 ``[C, H, W]`` frame -> JPEG at ``quality`` -> ``[C, H, W]``, by Pillow alone."""
    hwc = frame.transpose(1, 2, 0)
    buffer = io.BytesIO()
    PIL.fromarray(hwc[..., 0] if frame.shape[0] == 1 else hwc).save(buffer, format="JPEG",
                                                                      quality=quality)
    out = np.asarray(PIL.open(buffer))
    return out.reshape(frame.shape[1], frame.shape[2], -1).transpose(2, 0, 1)


def _image(shape, seed=0):
    rng = np.random.default_rng(seed)
    smooth = np.cumsum(rng.integers(0, 9, shape), axis=-1) % 256     # JPEG-friendly gradients
    return smooth.astype(np.uint8)


@pytest.mark.parametrize("quality", [1, 40, 95])
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_pil_input_matches_torchvision(quality, mode, tv):
    img = PIL.fromarray(_image((20, 28, 3)), "RGB").convert(mode)
    got = v2.JPEG(quality)(img)
    expected = tv.JPEG(quality)(img)
    assert type(got) is type(expected) is PIL.Image
    assert got.mode == expected.mode and got.size == expected.size
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


@pytest.mark.parametrize("shape", [(3, 16, 24), (1, 16, 16), (2, 3, 8, 16), (2, 2, 1, 8, 8)])
def test_tensor_input_is_pillows_round_trip(shape):
    x = _image(shape)
    out = v2.functional.jpeg(ember.from_numpy(x), quality=30)
    assert tuple(out.shape) == shape and out.dtype == ember.uint8
    frames = x.reshape((-1,) + shape[-3:])
    expected = np.stack([_pillow_round_trip(f, 30) for f in frames]).reshape(shape)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_tv_tensors_keep_their_class():
    video = tv_tensors.Video(ember.from_numpy(_image((2, 3, 8, 8))))
    out = v2.JPEG(50)(video)
    assert isinstance(out, tv_tensors.Video) and tuple(out.shape) == (2, 3, 8, 8)
    boxes = tv_tensors.BoundingBoxes([[0, 0, 4, 4]], format="XYXY", canvas_size=(8, 8))
    image, same_boxes = v2.JPEG(50)(tv_tensors.Image(ember.from_numpy(_image((3, 8, 8)))), boxes)
    assert isinstance(image, tv_tensors.Image) and same_boxes is boxes


def test_quality_is_drawn_as_torchvision_draws_it(tv):
    import torch
    for seed in range(3):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        assert v2.JPEG((5, 60)).make_params([]) == tv.JPEG((5, 60)).make_params([])


@pytest.mark.parametrize("quality", [True, 0, 101, (50, 10), (1, 2, 3), 50.0, (1.0, 50), "5"])
def test_bad_quality(quality, tv):
    with pytest.raises(Exception) as expected:
        tv.JPEG(quality)
    with pytest.raises(type(expected.value)) as got:
        v2.JPEG(quality)
    assert str(got.value) == str(expected.value)
