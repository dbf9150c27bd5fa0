"""Keypoint R-CNN: Faster R-CNN plus a keypoint-heatmap branch; ``keypointrcnn_resnet50_fpn``
(people and COCO's 17 keypoints)."""
from functools import partial

from .... import _errors, nn
from ....nn import functional as F
from ...ops import MultiScaleRoIAlign
from ...ops._init import init_conv2d
from .._api import overwrite_param
from ..resnet import resnet50
from ._builder import detection_builder
from .faster_rcnn import FasterRCNN, eps_zero, resnet50_fpn

__all__ = ["KeypointRCNN", "KeypointRCNN_ResNet50_FPN_Weights", "keypointrcnn_resnet50_fpn"]


class KeypointRCNN(FasterRCNN):
    """:class:`FasterRCNN` whose RoI heads also predict ``num_keypoints`` heatmaps per
    detection; ``min_size`` defaults to torchvision's multi-scale training sizes."""

    def __init__(self, backbone, num_classes=None, min_size=None, *args, keypoint_roi_pool=None,
                 keypoint_head=None, keypoint_predictor=None, num_keypoints=None, **kwargs):
        if not isinstance(keypoint_roi_pool, (MultiScaleRoIAlign, type(None))):
            raise _errors.keypoint_roi_pool_type()
        if min_size is None:
            min_size = (640, 672, 704, 736, 768, 800)
        if num_keypoints is not None and keypoint_predictor is not None:
            raise _errors.num_keypoints_with_predictor()
        num_keypoints = num_keypoints or 17
        out_channels = backbone.out_channels
        if keypoint_roi_pool is None:
            keypoint_roi_pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"],
                                                   output_size=14, sampling_ratio=2)
        if keypoint_head is None:
            keypoint_head = KeypointRCNNHeads(out_channels, (512,) * 8)
        if keypoint_predictor is None:
            keypoint_predictor = KeypointRCNNPredictor(512, num_keypoints)
        super().__init__(backbone, num_classes, min_size, *args, **kwargs)
        self.roi_heads.keypoint_roi_pool = keypoint_roi_pool
        self.roi_heads.keypoint_head = keypoint_head
        self.roi_heads.keypoint_predictor = keypoint_predictor


class KeypointRCNNHeads(nn.Sequential):
    """3x3 convolution + ReLU pairs with ``layers`` channels."""

    def __init__(self, in_channels, layers):
        blocks = []
        for out_channels in layers:
            blocks += [nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1),
                       nn.ReLU(inplace=True)]
            in_channels = out_channels
        super().__init__(*blocks)
        init_conv2d(self, partial(nn.init.kaiming_normal_, mode="fan_out", nonlinearity="relu"))


class KeypointRCNNPredictor(nn.Module):
    """A stride-2 transposed convolution to one map per keypoint, then 2x bilinear
    upsampling."""

    def __init__(self, in_channels, num_keypoints):
        super().__init__()
        kernel = 4
        self.kps_score_lowres = nn.ConvTranspose2d(in_channels, num_keypoints, kernel, stride=2,
                                                   padding=kernel // 2 - 1)
        nn.init.kaiming_normal_(self.kps_score_lowres.weight, mode="fan_out",
                                nonlinearity="relu")
        nn.init.constant_(self.kps_score_lowres.bias, 0)
        self.up_scale = 2
        self.out_channels = num_keypoints

    def forward(self, x):
        return F.interpolate(self.kps_score_lowres(x), scale_factor=float(self.up_scale),
                             mode="bilinear", align_corners=False, recompute_scale_factor=False)


def _keypoints_of(weights, kwargs):
    overwrite_param(kwargs, "num_keypoints", len(weights.meta["keypoint_names"]))


def _keypointrcnn_resnet50_fpn(cfg, num_keypoints=None, **kwargs):
    return KeypointRCNN(resnet50_fpn(cfg), cfg.num_classes, num_keypoints=num_keypoints or 17,
                        **kwargs)


KeypointRCNN_ResNet50_FPN_Weights, keypointrcnn_resnet50_fpn = detection_builder(
    "keypointrcnn_resnet50_fpn", resnet50, _keypointrcnn_resnet50_fpn, default_classes=2,
    prepare=_keypoints_of, finish=eps_zero)
