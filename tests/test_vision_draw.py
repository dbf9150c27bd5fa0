"""ember.vision.utils' drawing functions against real torchvision 0.28's on the same inputs."""
import numpy as np
import pytest

import ember
from ember.vision import utils as EU

torch = pytest.importorskip("torch")
pytest.importorskip("PIL")


@pytest.fixture(scope="module")
def TU():
    from tests.oracle import torchvision_ref
    torchvision_ref.load()
    from torchvision import utils
    return utils


def both(arr):
    return ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def same(ours, theirs, atol=0):
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy().astype(np.float64),
                               theirs.numpy().astype(np.float64), atol=atol)


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return {"uint8": (rng.uniform(size=(3, 30, 40)) * 255).astype(np.uint8),
            "float32": rng.uniform(size=(3, 30, 40)).astype(np.float32),
            "gray": (rng.uniform(size=(1, 30, 40)) * 255).astype(np.uint8)}


@pytest.mark.parametrize("kind", ["uint8", "float32", "gray"])
@pytest.mark.parametrize("kwargs", [{}, {"fill": True, "width": 2, "colors": "red"},
                                    {"labels": ["a", "bb", "c"], "colors": [(0, 255, 0), "blue",
                                                                            "#ff00ff"]},
                                    {"labels": ["x", "y", "z"], "fill_labels": True,
                                     "label_colors": "white"}])
def test_draw_bounding_boxes(kind, kwargs, images, TU):
    img = both(images[kind])
    boxes = both(np.array([[2, 3, 20, 25], [10, 1, 35, 12], [0, 0, 39, 29]], dtype=np.float32))
    same(EU.draw_bounding_boxes(img[0], boxes[0], **kwargs),
         TU.draw_bounding_boxes(img[1], boxes[1], **kwargs), atol=1e-6)


@pytest.mark.parametrize("kind", ["uint8", "float32"])
def test_draw_segmentation_masks(kind, images, TU):
    rng = np.random.default_rng(1)
    masks = both(rng.uniform(size=(3, 30, 40)) > 0.6)
    img = both(images[kind])
    for kwargs in ({}, {"alpha": 0.3, "colors": ["red", (0, 0, 255), "green"]}):
        same(EU.draw_segmentation_masks(img[0], masks[0], **kwargs),
             TU.draw_segmentation_masks(img[1], masks[1], **kwargs), atol=1e-6)
    same(EU.draw_segmentation_masks(img[0], masks[0][0]),
         TU.draw_segmentation_masks(img[1], masks[1][0]), atol=1e-6)


@pytest.mark.parametrize("kind", ["uint8", "float32"])
def test_draw_keypoints(kind, images, TU):
    rng = np.random.default_rng(2)
    kpts = both(rng.uniform(0, 30, size=(2, 4, 2)).astype(np.float32))
    vis = both(np.array([[True, False, True, True], [True, True, True, False]]))
    img = both(images[kind])
    kwargs = dict(connectivity=[(0, 1), (1, 2), (2, 3)], colors="yellow", radius=3, width=2)
    same(EU.draw_keypoints(img[0], kpts[0], **kwargs),
         TU.draw_keypoints(img[1], kpts[1], **kwargs), atol=1e-6)
    same(EU.draw_keypoints(img[0], kpts[0], visibility=vis[0], **kwargs),
         TU.draw_keypoints(img[1], kpts[1], visibility=vis[1], **kwargs), atol=1e-6)


def test_flow_to_image(TU):
    rng = np.random.default_rng(3)
    for shape in ((2, 9, 11), (3, 2, 5, 6)):
        flow = both(rng.normal(size=shape).astype(np.float32))
        same(EU.flow_to_image(flow[0]), TU.flow_to_image(flow[1]))


@pytest.mark.parametrize("call", [
    lambda U, m: U.draw_bounding_boxes(m.zeros(3, 4, 4, dtype=m.int32), m.zeros(1, 4)),
    lambda U, m: U.draw_bounding_boxes(m.zeros(2, 3, 4, 4, dtype=m.uint8), m.zeros(1, 4)),
    lambda U, m: U.draw_bounding_boxes(m.zeros(3, 4, 4, dtype=m.uint8),
                                       m.tensor([[3.0, 0, 1, 2]])),
    lambda U, m: U.draw_segmentation_masks(m.zeros(3, 4, 4), m.zeros(1, 4, 4)),
    lambda U, m: U.draw_segmentation_masks(m.zeros(1, 4, 4), m.zeros(1, 4, 4, dtype=m.bool)),
    lambda U, m: U.draw_keypoints(m.zeros(3, 4, 4, dtype=m.uint8), m.zeros(2, 2)),
    lambda U, m: U.flow_to_image(m.zeros(3, 4, 4)),
    lambda U, m: U.flow_to_image(m.zeros(2, 4, 4, dtype=m.float64)),
])
def test_errors(call, TU):
    with pytest.raises(Exception) as theirs:
        call(TU, torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(EU, ember)
    assert str(ours.value) == str(theirs.value)
