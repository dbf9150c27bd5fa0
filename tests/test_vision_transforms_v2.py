"""ember.vision.tv_tensors and transforms.v2 against real torchvision 0.28 (its pure-Python
transforms run on the CPU torch oracle): the same inputs through both libraries, seeded random
transforms included (Ember's RNG draws torch's numbers)."""
import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET
from ember.vision.transforms import v2 as EV2
from ember.vision.transforms.v2 import functional as EF

torch = pytest.importorskip("torch")
FORMATS = ("XYXY", "XYWH", "CXCYWH")


@pytest.fixture(scope="module")
def tv():
    from tests.oracle import torchvision_ref
    return torchvision_ref.load()


@pytest.fixture(scope="module")
def TT(tv):
    from torchvision import tv_tensors
    return tv_tensors


@pytest.fixture(scope="module")
def TV2(tv):
    from torchvision.transforms import v2
    return v2


def both(arr, ours=None, theirs=None, **meta):
    """The same data as an Ember and a torch (tv_)tensor."""
    e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    return (ours(e, **meta) if ours else e), (theirs(t, **meta) if theirs else t)


def same(ours, theirs, atol=0.0):
    """Same class name, metadata, dtype and values (recursing into containers)."""
    if isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t, atol)
        return
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys()
        for k in theirs:
            same(ours[k], theirs[k], atol)
        return
    if not isinstance(theirs, torch.Tensor):
        assert ours == theirs
        return
    assert type(ours).__name__ == type(theirs).__name__
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    for attr in ("canvas_size", "clamping_mode"):
        if hasattr(theirs, attr):
            assert tuple(np.atleast_1d(getattr(ours, attr))) == \
                tuple(np.atleast_1d(getattr(theirs, attr)))
    if hasattr(theirs, "format"):
        assert ours.format.value == theirs.format.value
    o, t = ours.as_subclass(ember.Tensor).numpy(), theirs.as_subclass(torch.Tensor).numpy()
    if atol and o.dtype == np.uint8 and type(theirs).__name__ in ("Image", "Tensor"):
        atol = 1   # torch resizes uint8 natively, Ember through float32: rounding may differ
    if atol:
        np.testing.assert_allclose(o.astype(np.float64), t.astype(np.float64), atol=atol)
    else:
        np.testing.assert_array_equal(o, t)


def random_boxes(rng, n, h, w, fmt, dtype):
    xy1 = rng.uniform(0, [w * 0.7, h * 0.7], size=(n, 2))
    wh = rng.uniform(1, [w * 0.5, h * 0.5], size=(n, 2))
    xyxy = np.concatenate([xy1, xy1 + wh], axis=1)
    boxes = {"XYXY": xyxy, "XYWH": np.concatenate([xy1, wh], 1),
             "CXCYWH": np.concatenate([xy1 + wh / 2, wh], 1)}[fmt]
    return boxes.astype(dtype) if dtype == np.float32 else np.round(boxes).astype(dtype)


# ---- tv_tensors -----------------------------------------------------------------------------
def test_tv_tensor_types_and_repr(TT):
    arr = np.arange(12, dtype=np.uint8).reshape(1, 3, 4)
    for name in ("Image", "Mask", "Video"):
        data = arr[None] if name == "Video" else arr
        o, t = both(data, getattr(ET, name), getattr(TT, name))
        assert repr(o) == repr(t)
    o, t = both(np.array([[1, 2, 5, 6]], dtype=np.float32), ET.BoundingBoxes,
                TT.BoundingBoxes, format="XYWH", canvas_size=(8, 9))
    assert repr(o) == repr(t)
    for op in (lambda x: x + 1, lambda x: x[0], lambda x: x.sum(), lambda x: x * x,
               lambda x: x.clone(), lambda x: x.to(x.dtype), lambda x: x.detach(),
               lambda x: x.float()):
        same(op(o), op(t))
    with ET.set_return_type("TVTensor"), TT.set_return_type("TVTensor"):
        same(o + 1, t + 1)
    same(ET.wrap(ember.zeros(2, 4), like=o, canvas_size=(3, 3)),
         TT.wrap(torch.zeros(2, 4), like=t, canvas_size=(3, 3)))
    o2, t2 = both(np.zeros((3, 2, 2), np.float32), ET.KeyPoints, TT.KeyPoints,
                  canvas_size=(4, 4))
    assert repr(o2) == repr(t2)
    import copy
    same(copy.deepcopy(o), copy.deepcopy(t))


def test_tv_tensor_errors(TT):
    for make in (lambda m: m.Image(m_zeros(m, 3)), lambda m: m.BoundingBoxes(
            m_zeros(m, 2, 2, 4), format="XYXY", canvas_size=(2, 2)),
            lambda m: m.BoundingBoxes(m_zeros(m, 4), format="XYXY", canvas_size=(2, 2),
                                      clamping_mode="x")):
        with pytest.raises(ValueError) as theirs:
            make(TT)
        with pytest.raises(ValueError, match=str(theirs.value).replace("(", r"\(")
                           .replace(")", r"\)")):
            make(ET)


def m_zeros(module, *shape):
    return (ember if module is ET else torch).zeros(*shape)


# ---- functional: boxes, keypoints, masks ----------------------------------------------------
def _box_calls(F):
    return {
        "hflip": lambda x: F.horizontal_flip(x),
        "vflip": lambda x: F.vertical_flip(x),
        "resize": lambda x: F.resize(x, [13, 31]),
        "resize_short": lambda x: F.resize(x, 12, max_size=20),
        "crop": lambda x: F.crop(x, 3, -2, 12, 15),
        "center_crop": lambda x: F.center_crop(x, [9, 14]),
        "resized_crop": lambda x: F.resized_crop(x, 2, 4, 10, 12, [15, 9]),
        "pad": lambda x: F.pad(x, [1, 2, 3, 4]),
        "pad_fill": lambda x: F.pad(x, [2, 0, 1, 3], fill=[5, 6, 7] if x.ndim > 2 and
                                    x.shape[-3] == 3 and not hasattr(x, "format") else 4),
        "affine": lambda x: F.affine(x, angle=17.0, translate=[2, -3], scale=1.2,
                                     shear=[5.0, -4.0]),
        "affine_center": lambda x: F.affine(x, angle=-30.0, translate=[0, 0], scale=0.8,
                                            shear=3.0, center=[4, 6]),
        "rotate": lambda x: F.rotate(x, 33.0),
        "rotate_expand": lambda x: F.rotate(x, -58.0, expand=True),
        "perspective": lambda x: F.perspective(x, [[0, 0], [19, 0], [19, 15], [0, 15]],
                                               [[2, 1], [17, 0], [18, 14], [1, 13]]),
        "elastic": lambda x: F.elastic(x, _displacement(F.get_size(x), torch_or_ember(x))),
        "clamp": lambda x: F.clamp_bounding_boxes(x) if hasattr(x, "format") else x,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_box_kernels(fmt, dtype, TT, tv):
    from torchvision.transforms.v2 import functional as TF
    rng = np.random.default_rng(0)
    arr = random_boxes(rng, 5, 18, 24, fmt, dtype)
    o, t = both(arr, ET.BoundingBoxes, TT.BoundingBoxes, format=fmt, canvas_size=(18, 24))
    ours, theirs = _box_calls(EF), _box_calls(TF)
    tol = 1e-4 if dtype == np.float32 else 0
    for name in ours:
        same(ours[name](o), theirs[name](t), atol=tol)
    for new in FORMATS:
        same(EF.convert_bounding_box_format(o, new_format=new),
             TF.convert_bounding_box_format(t, new_format=new), atol=tol)
        same(EF.convert_bounding_box_format(o.as_subclass(ember.Tensor), old_format=fmt,
                                            new_format=new),
             TF.convert_bounding_box_format(t.as_subclass(torch.Tensor), old_format=fmt,
                                            new_format=new), atol=tol)


def test_keypoint_and_mask_kernels(TT, tv):
    from torchvision.transforms.v2 import functional as TF
    rng = np.random.default_rng(1)
    pts = rng.uniform(0, 16, size=(4, 3, 2)).astype(np.float32)
    mask = (rng.uniform(size=(2, 16, 20)) > 0.5).astype(np.uint8)
    ok, tk = both(pts, ET.KeyPoints, TT.KeyPoints, canvas_size=(16, 20))
    om, tm = both(mask, ET.Mask, TT.Mask)
    om2, tm2 = both(mask[0], ET.Mask, TT.Mask)
    ours, theirs = _box_calls(EF), _box_calls(TF)
    for name in ours:
        same(ours[name](ok), theirs[name](tk), atol=1e-4)
        same(ours[name](om), theirs[name](tm))
        same(ours[name](om2), theirs[name](tm2))


# ---- functional: images ---------------------------------------------------------------------
def _image_calls(F):
    return {
        **{k: v for k, v in _box_calls(F).items() if k != "clamp"},
        "pad_reflect": lambda x: F.pad(x, [2, 1], padding_mode="reflect"),
        "invert": F.invert, "autocontrast": F.autocontrast, "equalize": F.equalize,
        "posterize": lambda x: F.posterize(x, 3),
        "solarize": lambda x: F.solarize(x, 0.5 if x.is_floating_point() else 128),
        "sharpness": lambda x: F.adjust_sharpness(x, 1.7),
        "brightness": lambda x: F.adjust_brightness(x, 1.3),
        "contrast": lambda x: F.adjust_contrast(x, 0.6),
        "saturation": lambda x: F.adjust_saturation(x, 1.4),
        "hue": lambda x: F.adjust_hue(x, 0.2),
        "gray": lambda x: F.rgb_to_grayscale(x, 3),
        "permute": lambda x: F.permute_channels(x, [2, 0, 1]),
        "to_dtype": lambda x: F.to_dtype(x, torch_or_ember(x).float64, scale=True),
        "blur": lambda x: F.gaussian_blur(x, [3, 5], [0.8, 1.1]),
    }


def torch_or_ember(x):
    return torch if isinstance(x, torch.Tensor) else ember


def _displacement(size, lib):
    rng = np.random.default_rng(size[0] * 100 + size[1])
    return lib.from_numpy(rng.uniform(-0.2, 0.2, size=(1, *size, 2)).astype(np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_image_kernels(dtype, TT, tv):
    from torchvision.transforms.v2 import functional as TF
    rng = np.random.default_rng(2)
    arr = rng.uniform(0, 1, size=(2, 3, 16, 20))
    arr = arr.astype(np.float32) if dtype == np.float32 else (arr * 255).astype(np.uint8)
    o, t = both(arr, ET.Image, TT.Image)
    ours, theirs = _image_calls(EF), _image_calls(TF)
    tol = 1e-5 if dtype == np.float32 else 1
    for name in ours:
        same(ours[name](o), theirs[name](t), atol=tol)
        same(ours[name](o.as_subclass(ember.Tensor)), theirs[name](t.as_subclass(torch.Tensor)),
             atol=tol)


def test_pil_and_conversions(TT, tv):
    Image = pytest.importorskip("PIL.Image")
    from torchvision.transforms.v2 import functional as TF
    rng = np.random.default_rng(3)
    pic = Image.fromarray((rng.uniform(size=(12, 10, 3)) * 255).astype(np.uint8))
    for name in ("hflip", "resize", "crop", "pad", "rotate", "perspective", "invert", "equalize",
                 "autocontrast", "posterize", "sharpness"):
        assert np.array_equal(np.asarray(_image_calls(EF)[name](pic)),
                              np.asarray(_image_calls(TF)[name](pic))), name
    same(EF.to_image(pic), TF.to_image(pic))
    arr = np.array(pic)
    same(EF.to_image(arr), TF.to_image(arr))
    assert EF.get_size(pic) == TF.get_size(pic)
    assert EF.get_dimensions(pic) == TF.get_dimensions(pic)


# ---- transform classes, seeded --------------------------------------------------------------
def _sample(lib, T, seed=4):
    rng = np.random.default_rng(seed)
    img = (rng.uniform(size=(3, 24, 32)) * 255).astype(np.uint8)
    boxes = random_boxes(rng, 4, 24, 32, "XYXY", np.float32)
    mask = (rng.uniform(size=(4, 24, 32)) > 0.5).astype(np.uint8)
    m = torch if lib == "t" else ember
    return (T.Image(m.from_numpy(img)),
            {"boxes": T.BoundingBoxes(m.from_numpy(boxes), format="XYXY", canvas_size=(24, 32)),
             "masks": T.Mask(m.from_numpy(mask)),
             "labels": m.from_numpy(np.arange(4)), "name": "sample"})


def _pipelines(V, lib):
    m = torch if lib == "t" else ember
    return {
        "flip_crop": [V.RandomHorizontalFlip(), V.RandomVerticalFlip(), V.RandomResizedCrop(16),
                      V.SanitizeBoundingBoxes()],
        "affine": [V.RandomAffine(25, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=(-5, 5, -3, 3)),
                   V.ClampBoundingBoxes(), V.SanitizeBoundingBoxes()],
        "rotate": [V.RandomRotation(40, expand=True), V.SanitizeBoundingBoxes()],
        "perspective": [V.RandomPerspective(0.6, p=0.8), V.SanitizeBoundingBoxes()],
        "elastic": [V.ElasticTransform(alpha=30.0, sigma=3.0), V.SanitizeBoundingBoxes()],
        "zoom_iou": [V.RandomZoomOut(fill={ET.Image if lib == "e" else None: (123, 117, 104),
                                           "others": 0}, p=1.0),
                     V.RandomIoUCrop(), V.Resize((20, 20)), V.SanitizeBoundingBoxes()],
        "resize": [V.RandomShortestSize([10, 14, 18], max_size=30), V.ScaleJitter((20, 16)),
                   V.RandomResize(8, 20), V.SanitizeBoundingBoxes()],
        "erase_noise": [V.RandomErasing(p=1.0, value="random"),
                        V.RandomErasing(p=0.7, value=(1, 2, 3)),
                        V.ToDtype(m.float32, scale=True), V.GaussianNoise(sigma=0.2),
                        V.GaussianBlur(3, (0.5, 1.5)), V.RGB()],
        "crop_pad": [V.RandomCrop(28, padding=3, pad_if_needed=True), V.CenterCrop(20),
                     V.Pad([1, 2])],
        "colour": [V.ColorJitter(0.3, 0.3, 0.3, 0.1), V.RandomGrayscale(0.5),
                   V.RandomChannelPermutation(), V.RandomApply([V.RandomInvert(1.0)], p=0.5),
                   V.RandomChoice([V.RandomEqualize(1.0), V.RandomAutocontrast(1.0)]),
                   V.RandomOrder([V.RandomPosterize(4), V.RandomSolarize(100)]),
                   V.RandomPhotometricDistort(p=0.7)],
        "dtype": [V.ToDtype({ET.Image if lib == "e" else None: m.float32, "others": None},
                            scale=True),
                  V.ConvertBoundingBoxFormat("CXCYWH"), V.ToPureTensor()],
    }


@pytest.mark.parametrize("name", ["flip_crop", "affine", "rotate", "perspective", "elastic",
                                  "zoom_iou",
                                  "resize", "erase_noise", "crop_pad",
                                  "colour", "dtype"])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.filterwarnings("ignore:RandomErasing\\(\\) is currently passing through")
def test_seeded_pipelines(name, seed, TT, TV2):
    ours_p, theirs_p = _pipelines(EV2, "e")[name], _pipelines(TV2, "t")[name]
    _fix_type_keys(ours_p, theirs_p, TT)
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    assert repr(EV2.Compose(ours_p)) == repr(TV2.Compose(theirs_p))
    ours = EV2.Compose(ours_p)(*_sample("e", ET, seed))
    theirs = TV2.Compose(theirs_p)(*_sample("t", TT, seed))
    same(ours, theirs, atol=1e-3)


def _fix_type_keys(ours, theirs, TT):
    """Dict arguments keyed by a tv_tensor class (``None`` stands for ``Image`` in
    torchvision's pipeline): torchvision's transforms get torchvision's class."""
    for o, t in zip(ours, theirs):
        for attr in ("_fill", "dtype"):
            value = getattr(t, attr, None)
            if isinstance(value, dict) and None in value:
                value[TT.Image] = value.pop(None)


@pytest.mark.parametrize("cls", ["MixUp", "CutMix"])
def test_mixup_cutmix(cls, TT, TV2):
    rng = np.random.default_rng(5)
    imgs = rng.uniform(size=(4, 3, 8, 10)).astype(np.float32)
    labels = np.array([0, 2, 1, 2])
    for seed, lam in ((0, 0.3), (1, 0.85)):
        # Ember's Beta draws differ from torch's: both mix with the same lam
        ours_t, theirs_t = getattr(EV2, cls)(num_classes=3), getattr(TV2, cls)(num_classes=3)
        ours_t._dist.sample = lambda shape: ember.tensor(lam)
        theirs_t._dist.sample = lambda shape: torch.tensor(lam)
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        ours = ours_t(ET.Image(ember.from_numpy(imgs)), ember.from_numpy(labels))
        theirs = theirs_t(TT.Image(torch.from_numpy(imgs)), torch.from_numpy(labels))
        same(ours, theirs, atol=1e-6)


def test_passthrough_and_errors(TT, TV2):
    img, target = _sample("e", ET)
    out = EV2.RandomHorizontalFlip(1.0)("text", img, 3)
    assert out[0] == "text" and out[2] == 3
    with pytest.raises(TypeError, match="does not support PIL images"):
        Image = pytest.importorskip("PIL.Image")
        EV2.Normalize([0.5], [0.5])(Image.new("RGB", (4, 4)))
    with pytest.raises(ValueError, match="No bounding boxes were found"):
        EV2.SanitizeBoundingBoxes(labels_getter=None)(img)
    with pytest.raises(TypeError, match="supports inputs of type"):
        EF.resize("not an image", [2, 2])


def _auto_augments(V, T):
    return {"auto_imagenet": V.AutoAugment(),
            "auto_cifar": V.AutoAugment(T.AutoAugmentPolicy.CIFAR10),
            "auto_svhn": V.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=[10, 20, 30]),
            "rand": V.RandAugment(num_ops=3), "trivial": V.TrivialAugmentWide(),
            "augmix": V.AugMix(), "augmix_partial": V.AugMix(severity=5, chain_depth=2,
                                                             all_ops=False)}


@pytest.mark.parametrize("name", ["auto_imagenet", "auto_cifar", "auto_svhn", "rand", "trivial",
                                  "augmix", "augmix_partial"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_auto_augment_seeded(name, dtype, TT, tv):
    from torchvision import transforms as TTR
    from torchvision.transforms import v2 as TV2
    import ember.vision.transforms as ETR
    rng = np.random.default_rng(6)
    arr = rng.uniform(size=(3, 20, 24))
    arr = (arr * 255).astype(np.uint8) if dtype == np.uint8 else arr.astype(np.float32)
    ours_t, theirs_t = _auto_augments(EV2, ETR)[name], _auto_augments(TV2, TTR)[name]
    assert repr(ours_t) == repr(theirs_t)
    if name.startswith("augmix"):   # Ember's Dirichlet draws differ from torch's: fix them
        ours_t._sample_dirichlet = lambda p: ember.full(p.shape, 1.0 / p.shape[-1])
        theirs_t._sample_dirichlet = lambda p: torch.full(p.shape, 1.0 / p.shape[-1])
    for seed in range(6):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        o, t = both(arr, ET.Image, TT.Image)
        same(ours_t(o, "label"), theirs_t(t, "label"), atol=1e-5)


@pytest.mark.slow
def test_detection_pipeline_under_runner():
    """An unmodified torchvision script (``import torchvision``) runs on Ember."""
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "ember.run",
                           str(root / "tests" / "scripts" / "transforms_v2_detection.py")],
                          capture_output=True, text=True, timeout=120, cwd=root / "tests",
                          env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Image (3, 32, 32) torch.float32"
    assert lines[1] == "BoundingBoxes (32, 32)"
    assert lines[2:] == ["boxes match labels: True", "format: CXCYWH",
                         "drawn: (3, 32, 32) torch.float32"]


@pytest.mark.parametrize("seed", [0, 1])
def test_keypoint_pipelines(seed, TT, TV2):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-2, 22, size=(5, 3, 2)).astype(np.float32)
    img = rng.uniform(size=(3, 20, 24)).astype(np.float32)
    labels = np.arange(5)
    for build in (lambda V: [V.RandomAffine(30, translate=(0.2, 0.2)), V.ClampKeyPoints()],
                  lambda V: [V.RandomRotation(40), V.RandomResizedCrop(12),
                             V.SanitizeKeyPoints(labels_getter="default")]):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        ours = EV2.Compose(build(EV2))(
            ET.Image(ember.from_numpy(img)),
            {"points": ET.KeyPoints(ember.from_numpy(pts), canvas_size=(20, 24)),
             "labels": ember.from_numpy(labels)})
        theirs = TV2.Compose(build(TV2))(
            TT.Image(torch.from_numpy(img)),
            {"points": TT.KeyPoints(torch.from_numpy(pts), canvas_size=(20, 24)),
             "labels": torch.from_numpy(labels)})
        same(ours, theirs, atol=1e-4)


def test_linear_transformation_and_temporal_subsample(TT, TV2):
    rng = np.random.default_rng(7)
    img = rng.uniform(size=(2, 3, 2, 2)).astype(np.float32)
    matrix = rng.normal(size=(12, 12)).astype(np.float32)
    mean = rng.normal(size=12).astype(np.float32)
    o, t = both(img, ET.Image, TT.Image)
    same(EV2.LinearTransformation(ember.from_numpy(matrix), ember.from_numpy(mean))(o),
         TV2.LinearTransformation(torch.from_numpy(matrix), torch.from_numpy(mean))(t),
         atol=1e-5)
    video = rng.uniform(size=(7, 3, 4, 4)).astype(np.float32)
    o, t = both(video, ET.Video, TT.Video)
    for n in (3, 7, 10):
        same(EV2.UniformTemporalSubsample(n)(o), TV2.UniformTemporalSubsample(n)(t))


def test_v1_perspective(tv):
    """``transforms.functional.perspective`` (v1) on tensors and PIL images."""
    Image = pytest.importorskip("PIL.Image")
    from torchvision.transforms import functional as TF1
    import ember.vision.transforms.functional as EF1
    rng = np.random.default_rng(8)
    arr = (rng.uniform(size=(3, 16, 20)) * 255).astype(np.uint8)
    start, end = [[0, 0], [19, 0], [19, 15], [0, 15]], [[3, 1], [17, 2], [18, 13], [1, 14]]
    for data in (arr, arr.astype(np.float32) / 255):
        o, t = both(data)
        for mode in ("bilinear", "nearest"):
            same(EF1.perspective(o, start, end, EF1.InterpolationMode(mode), fill=[9, 8, 7]),
                 TF1.perspective(t, start, end, TF1.InterpolationMode(mode), fill=[9, 8, 7]),
                 atol=1e-5)
    pic = Image.fromarray(arr.transpose(1, 2, 0))
    assert np.array_equal(np.asarray(EF1.perspective(pic, start, end)),
                          np.asarray(TF1.perspective(pic, start, end)))
    with pytest.raises(ValueError, match="Please provide exactly four corners, got 3"):
        EF1.perspective(pic, start[:3], end)


def test_rotated_boxes_are_refused():
    boxes = ET.BoundingBoxes(ember.zeros(1, 5), format="XYWHR", canvas_size=(4, 4))
    with pytest.raises(NotImplementedError, match="rotated box formats"):
        EF.horizontal_flip(boxes)


@pytest.mark.slow
def test_tv_tensors_keep_their_type_through_clone_while_a_dispatch_subclass_lives():
    """clone / to / detach return the TVTensor (as torchvision's do) also after a
    ``__torch_dispatch__`` subclass has switched the dispatch layer on (a fresh process)."""
    import subprocess
    import sys
    import textwrap
    script = textwrap.dedent("""
        import ember
        from ember.vision import tv_tensors as tv

        class Wrapper(ember.Tensor):
            @staticmethod
            def __new__(cls, elem):
                r = ember.Tensor._make_wrapper_subclass(cls, elem.size(), dtype=elem.dtype)
                r.elem = elem
                return r

            @classmethod
            def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
                return func(*[a.elem if isinstance(a, Wrapper) else a for a in args],
                            **(kwargs or {}))

        box = tv.BoundingBoxes(ember.tensor([[1.0, 2, 5, 6]]), format="XYWH", canvas_size=(8, 9))
        ops = (lambda x: x.clone(), lambda x: x.to(x.dtype), lambda x: x.detach())
        before = [type(op(box)).__name__ for op in ops]
        Wrapper(ember.ones(2)) + 1
        print(before, [type(op(box)).__name__ for op in ops])
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    names = str(["BoundingBoxes"] * 3)
    assert out.strip() == f"{names} {names}"
