"""Mask R-CNN (He et al., 2017): Faster R-CNN plus a per-class mask branch;
``maskrcnn_resnet50_fpn`` (``_v2``)."""
from collections import OrderedDict
from functools import partial

from .... import _errors, nn
from ...ops import MultiScaleRoIAlign, misc as misc_nn_ops
from ...ops._init import init_conv2d
from ...ops._legacy_keys import RenamedInVersion2
from ..resnet import resnet50
from ._builder import detection_builder
from .faster_rcnn import FasterRCNN, eps_zero, resnet50_fpn, resnet50_fpn_v2, v2_heads

__all__ = ["MaskRCNN", "MaskRCNN_ResNet50_FPN_Weights", "MaskRCNN_ResNet50_FPN_V2_Weights",
           "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2"]


class MaskRCNN(FasterRCNN):
    """:class:`FasterRCNN` whose RoI heads also pool 14x14 features per detection
    (``mask_roi_pool``), run ``mask_head`` and predict ``[num_classes, 28, 28]`` mask logits
    (``mask_predictor``); other arguments as Faster R-CNN's."""

    def __init__(self, backbone, num_classes=None, *args, mask_roi_pool=None, mask_head=None,
                 mask_predictor=None, **kwargs):
        if not isinstance(mask_roi_pool, (MultiScaleRoIAlign, type(None))):
            raise _errors.rcnn_argument_type("mask_roi_pool", "MultiScaleRoIAlign",
                                             type(mask_roi_pool))
        if num_classes is not None and mask_predictor is not None:
            raise _errors.num_classes_with_predictor("mask_predictor")
        out_channels = backbone.out_channels
        if mask_roi_pool is None:
            mask_roi_pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"], output_size=14,
                                               sampling_ratio=2)
        if mask_head is None:
            mask_head = MaskRCNNHeads(out_channels, (256, 256, 256, 256), 1)
        if mask_predictor is None:
            mask_predictor = MaskRCNNPredictor(256, 256, num_classes)
        super().__init__(backbone, num_classes, *args, **kwargs)
        self.roi_heads.mask_roi_pool = mask_roi_pool
        self.roi_heads.mask_head = mask_head
        self.roi_heads.mask_predictor = mask_predictor


class MaskRCNNHeads(RenamedInVersion2, nn.Sequential):
    """3x3 conv(-norm)-ReLU blocks with ``layers`` channels and the given dilation."""

    def __init__(self, in_channels, layers, dilation, norm_layer=None):
        blocks = []
        for features in layers:
            blocks.append(misc_nn_ops.Conv2dNormActivation(
                in_channels, features, kernel_size=3, stride=1, padding=dilation,
                dilation=dilation, norm_layer=norm_layer))
            in_channels = features
        super().__init__(*blocks)
        init_conv2d(self, partial(nn.init.kaiming_normal_, mode="fan_out", nonlinearity="relu"))

    def _version_1_names(self):
        return [(f"mask_fcn{i + 1}", f"{i}.0") for i in range(len(self))]


class MaskRCNNPredictor(nn.Sequential):
    """2x transposed convolution, ReLU, and a 1x1 convolution to one mask per class."""

    def __init__(self, in_channels, dim_reduced, num_classes):
        super().__init__(OrderedDict([
            ("conv5_mask", nn.ConvTranspose2d(in_channels, dim_reduced, 2, 2, 0)),
            ("relu", nn.ReLU(inplace=True)),
            ("mask_fcn_logits", nn.Conv2d(dim_reduced, num_classes, 1, 1, 0))]))
        for name, param in self.named_parameters():
            if "weight" in name:
                nn.init.kaiming_normal_(param, mode="fan_out", nonlinearity="relu")


def _maskrcnn_resnet50_fpn(cfg, **kwargs):
    return MaskRCNN(resnet50_fpn(cfg), num_classes=cfg.num_classes, **kwargs)


def _maskrcnn_resnet50_fpn_v2(cfg, **kwargs):
    backbone = resnet50_fpn_v2(cfg)
    mask_head = MaskRCNNHeads(backbone.out_channels, [256, 256, 256, 256], 1,
                              norm_layer=nn.BatchNorm2d)
    return MaskRCNN(backbone, num_classes=cfg.num_classes, mask_head=mask_head,
                    **v2_heads(backbone.out_channels), **kwargs)


MaskRCNN_ResNet50_FPN_Weights, maskrcnn_resnet50_fpn = detection_builder(
    "maskrcnn_resnet50_fpn", resnet50, _maskrcnn_resnet50_fpn, finish=eps_zero)
MaskRCNN_ResNet50_FPN_V2_Weights, maskrcnn_resnet50_fpn_v2 = detection_builder(
    "maskrcnn_resnet50_fpn_v2", resnet50, _maskrcnn_resnet50_fpn_v2,
    backbone_default=None)
