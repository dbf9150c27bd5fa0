"""ember.vision.transforms against outputs recorded from real torchvision
(../shared/fixtures/tv_transforms.npz): PIL paths bit-exact, tensor paths within float
tolerance. Random transforms are checked for behaviour, not exact draws."""
import os

import numpy as np
import pytest

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F
from ember.vision.utils import make_grid, save_image

Image = pytest.importorskip("PIL.Image")
FIX = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures")


@pytest.fixture(scope="module")
def fx():
    path = os.path.join(FIX, "tv_transforms.npz")
    if not os.path.exists(path):
        pytest.skip("torchvision fixtures absent")
    return dict(np.load(path))


@pytest.fixture(scope="module")
def img(fx):
    return Image.fromarray(fx["in_rgb"])


@pytest.fixture(scope="module")
def timg(img):
    return F.to_tensor(img)


PIL_CASES = {
    "resize_pil_bilinear": lambda i: F.resize(i, (20, 30)),
    "resize_pil_short": lambda i: F.resize(i, 24),
    "resize_pil_nearest": lambda i: F.resize(i, [20, 30], T.InterpolationMode.NEAREST),
    "center_crop": lambda i: T.CenterCrop(21)(i),
    "pad": lambda i: T.Pad((2, 3), fill=7)(i),
    "pad_reflect": lambda i: F.pad(i, 3, padding_mode="reflect"),
    "grayscale": lambda i: T.Grayscale()(i),
    "hflip": F.hflip,
    "vflip": F.vflip,
    "rotate30": lambda i: F.rotate(i, 30),
    "brightness": lambda i: F.adjust_brightness(i, 1.3),
    "contrast": lambda i: F.adjust_contrast(i, 0.7),
    "saturation": lambda i: F.adjust_saturation(i, 1.5),
    "hue": lambda i: F.adjust_hue(i, 0.1),
    "resized_crop": lambda i: F.resized_crop(i, 3, 4, 20, 25, [16, 16]),
    "affine": lambda i: F.affine(i, 10, (2, 3), 1.1, (5, 5)),
    "to_pil_roundtrip": lambda i: F.to_pil_image(F.to_tensor(i)),
}


@pytest.mark.parametrize("key", sorted(PIL_CASES))
def test_pil_paths_bit_exact(fx, img, key):
    out = np.asarray(PIL_CASES[key](img))
    np.testing.assert_array_equal(out, fx[key])


TENSOR_CASES = {
    "to_tensor_rgb": lambda t, fx: F.to_tensor(Image.fromarray(fx["in_rgb"])),
    "to_tensor_l": lambda t, fx: T.ToTensor()(Image.fromarray(fx["in_l"])),
    "to_tensor_ndarray": lambda t, fx: F.to_tensor(fx["in_rgb"]),
    "pil_to_tensor": lambda t, fx: T.PILToTensor()(Image.fromarray(fx["in_rgb"])),
    "normalize": lambda t, fx: T.Normalize((0.5, 0.4, 0.3), (0.2, 0.25, 0.3))(t),
    "resize_tensor_bilinear_aa": lambda t, fx: F.resize(t, [20, 30], antialias=True),
    "tensor_hflip": lambda t, fx: T.RandomHorizontalFlip(p=1.0)(t),
    "tensor_rotate30": lambda t, fx: F.rotate(t, 30),
    "tensor_brightness": lambda t, fx: F.adjust_brightness(t, 1.3),
    "tensor_hue": lambda t, fx: F.adjust_hue(t, 0.1),
    "tensor_gaussian_blur": lambda t, fx: F.gaussian_blur(t, 5, 1.5),
}


@pytest.mark.parametrize("key", sorted(TENSOR_CASES))
def test_tensor_paths(fx, timg, key):
    out = TENSOR_CASES[key](timg, fx)
    assert tuple(out.shape) == fx[key].shape
    assert out.numpy().dtype == fx[key].dtype
    np.testing.assert_allclose(out.numpy(), fx[key], atol=1e-5)


def test_normalize_inplace_and_errors(timg):
    t = timg.clone()
    out = F.normalize(t, [0.5] * 3, [0.5] * 3, inplace=True)
    assert out is t
    np.testing.assert_allclose(t.numpy(), timg.numpy() * 2 - 1, atol=1e-6)
    with pytest.raises(TypeError, match="float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.0] * 3, [1.0] * 3)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(timg, [0.0] * 3, [1.0, 0.0, 1.0])


def test_tensor_geometry_matches_pil_on_uint8(img):
    u8 = F.pil_to_tensor(img)
    for fn in (F.hflip, F.vflip, lambda x: F.crop(x, 2, 3, 10, 12),
               lambda x: F.center_crop(x, 15), lambda x: F.pad(x, [1, 2, 3, 4], 9)):
        np.testing.assert_array_equal(fn(u8).numpy().transpose(1, 2, 0), np.asarray(fn(img)))


def test_convert_image_dtype_and_to_pil_modes():
    u8 = ember.tensor([[[0, 128, 255]]], dtype=ember.uint8)
    f = F.convert_image_dtype(u8, ember.float32)
    np.testing.assert_allclose(f.numpy(), [[[0, 128 / 255, 1]]], rtol=1e-6)
    assert F.convert_image_dtype(f, ember.uint8).tolist() == [[[0, 128, 255]]]
    assert F.to_pil_image(ember.rand(1, 4, 4)).mode == "L"
    assert F.to_pil_image(ember.rand(3, 4, 4)).mode == "RGB"
    assert F.to_pil_image(ember.rand(4, 4, 4)).mode == "RGBA"


def test_random_transforms_shapes_and_statistics(img, timg):
    ember.manual_seed(0)
    flips = sum(bool((T.RandomHorizontalFlip()(timg) != timg).any()) for _ in range(200))
    assert 70 < flips < 130
    crop = T.RandomCrop(32, padding=4, fill=0)(img)
    assert crop.size == (32, 32)
    assert T.RandomCrop(40, pad_if_needed=True)(timg).shape == (3, 40, 40)
    assert T.RandomResizedCrop(24)(img).size == (24, 24)
    assert T.RandomRotation(20)(timg).shape == timg.shape
    jit = T.ColorJitter(0.4, 0.4, 0.4, 0.1)
    assert np.asarray(jit(img)).shape == (37, 53, 3)
    erased = T.RandomErasing(p=1.0, value=0)(timg.clone())
    assert (erased.numpy() == 0).sum() > (timg.numpy() == 0).sum()
    ember.manual_seed(5)
    a = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
    ember.manual_seed(5)
    assert T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3)) == a


def test_compose_pipeline_repr(img):
    tf = T.Compose([T.Resize(16), T.CenterCrop(16), T.ToTensor(), T.Normalize([0.5], [0.5])])
    out = tf(img.convert("L"))
    assert out.shape == (1, 16, 16) and out.dtype == ember.float32
    assert repr(tf).startswith("Compose(\n    Resize(size=16")
    assert T.Lambda(lambda x: x + 1)(1) == 2


def test_make_grid_matches_torchvision():
    path = os.path.join(FIX, "tv_make_grid.npy")
    if not os.path.exists(path):
        pytest.skip("torchvision fixtures absent")
    g = make_grid(ember.linspace(0, 1, 5 * 3 * 8 * 8).reshape(5, 3, 8, 8), nrow=3, padding=2)
    np.testing.assert_array_equal(g.numpy(), np.load(path))


def test_make_grid_normalize_and_save_image(tmp_path):
    x = ember.arange(2 * 1 * 4 * 4, dtype=ember.float32).reshape(2, 1, 4, 4)
    g = make_grid(x, normalize=True, padding=0)
    assert g.shape == (3, 4, 8)
    assert float(g.min()) == 0.0 and float(g.max()) == 1.0
    fp = tmp_path / "grid.png"
    save_image(x / 31, fp, nrow=1)
    back = np.asarray(Image.open(fp))
    assert back.shape == (4 * 2 + 3 * 2, 4 + 4, 3) and back.dtype == np.uint8
