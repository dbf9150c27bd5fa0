"""Faster R-CNN (Ren et al., 2015) with FPN backbones: ``fasterrcnn_resnet50_fpn``
(``_v2``), ``fasterrcnn_mobilenet_v3_large_fpn`` and ``_320_fpn``."""
from functools import partial

from .... import _errors, nn
from ....nn import functional as F
from ...ops import MultiScaleRoIAlign, misc as misc_nn_ops
from ...ops._init import init_conv2d
from ..mobilenetv3 import mobilenet_v3_large
from ..resnet import resnet50
from ._builder import detection_builder
from ._utils import overwrite_eps
from .anchor_utils import AnchorGenerator
from .backbone_utils import _mobilenet_extractor, _resnet_fpn_extractor
from .generalized_rcnn import GeneralizedRCNN, check_detector_arguments
from .roi_heads import RoIHeads
from .rpn import RegionProposalNetwork, RPNHead
from .transform import _IMAGENET_MEAN, _IMAGENET_STD, GeneralizedRCNNTransform

__all__ = ["FasterRCNN", "FasterRCNN_ResNet50_FPN_Weights", "FasterRCNN_ResNet50_FPN_V2_Weights",
           "FasterRCNN_MobileNet_V3_Large_FPN_Weights",
           "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights", "fasterrcnn_resnet50_fpn",
           "fasterrcnn_resnet50_fpn_v2", "fasterrcnn_mobilenet_v3_large_fpn",
           "fasterrcnn_mobilenet_v3_large_320_fpn"]


def _default_anchorgen():
    sizes = ((32,), (64,), (128,), (256,), (512,))
    return AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))


class FasterRCNN(GeneralizedRCNN):
    """Faster R-CNN over ``backbone`` (a module with ``out_channels`` returning a tensor or
    an ordered dict of feature maps); every stage's hyper-parameter is a keyword as in
    torchvision."""

    def __init__(self, backbone, num_classes=None, min_size=800, max_size=1333, image_mean=None,
                 image_std=None, rpn_anchor_generator=None, rpn_head=None,
                 rpn_pre_nms_top_n_train=2000, rpn_pre_nms_top_n_test=1000,
                 rpn_post_nms_top_n_train=2000, rpn_post_nms_top_n_test=1000, rpn_nms_thresh=0.7,
                 rpn_fg_iou_thresh=0.7, rpn_bg_iou_thresh=0.3, rpn_batch_size_per_image=256,
                 rpn_positive_fraction=0.5, rpn_score_thresh=0.0, box_roi_pool=None,
                 box_head=None, box_predictor=None, box_score_thresh=0.05, box_nms_thresh=0.5,
                 box_detections_per_img=100, box_fg_iou_thresh=0.5, box_bg_iou_thresh=0.5,
                 box_batch_size_per_image=512, box_positive_fraction=0.25, bbox_reg_weights=None,
                 **kwargs):
        check_detector_arguments(backbone, rpn_anchor_generator=(rpn_anchor_generator,
                                                                 AnchorGenerator),
                                 box_roi_pool=(box_roi_pool, MultiScaleRoIAlign))
        if num_classes is not None and box_predictor is not None:
            raise _errors.num_classes_with_predictor("box_predictor")
        if num_classes is None and box_predictor is None:
            raise _errors.num_classes_without_predictor("box_predictor")
        out_channels = backbone.out_channels
        rpn_anchor_generator = rpn_anchor_generator or _default_anchorgen()
        if rpn_head is None:
            rpn_head = RPNHead(out_channels, rpn_anchor_generator.num_anchors_per_location()[0])
        rpn = RegionProposalNetwork(
            rpn_anchor_generator, rpn_head, rpn_fg_iou_thresh, rpn_bg_iou_thresh,
            rpn_batch_size_per_image, rpn_positive_fraction,
            dict(training=rpn_pre_nms_top_n_train, testing=rpn_pre_nms_top_n_test),
            dict(training=rpn_post_nms_top_n_train, testing=rpn_post_nms_top_n_test),
            rpn_nms_thresh, score_thresh=rpn_score_thresh)
        if box_roi_pool is None:
            box_roi_pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"], output_size=7,
                                              sampling_ratio=2)
        if box_head is None:
            resolution = box_roi_pool.output_size[0]
            box_head = TwoMLPHead(out_channels * resolution ** 2, 1024)
        if box_predictor is None:
            box_predictor = FastRCNNPredictor(1024, num_classes)
        roi_heads = RoIHeads(box_roi_pool, box_head, box_predictor, box_fg_iou_thresh,
                             box_bg_iou_thresh, box_batch_size_per_image, box_positive_fraction,
                             bbox_reg_weights, box_score_thresh, box_nms_thresh,
                             box_detections_per_img)
        transform = GeneralizedRCNNTransform(min_size, max_size, image_mean or _IMAGENET_MEAN,
                                             image_std or _IMAGENET_STD, **kwargs)
        super().__init__(backbone, rpn, roi_heads, transform)


class TwoMLPHead(nn.Module):
    """Flatten, then two fully connected layers with ReLU."""

    def __init__(self, in_channels, representation_size):
        super().__init__()
        self.fc6 = nn.Linear(in_channels, representation_size)
        self.fc7 = nn.Linear(representation_size, representation_size)

    def forward(self, x):
        return F.relu(self.fc7(F.relu(self.fc6(x.flatten(start_dim=1)))))


class FastRCNNConvFCHead(nn.Sequential):
    """3x3 conv-norm-ReLU blocks (``conv_layers`` channels), flatten, then Linear+ReLU
    layers (``fc_layers`` features); ``input_size`` is ``(C, H, W)``."""

    def __init__(self, input_size, conv_layers, fc_layers, norm_layer=None):
        channels, height, width = input_size
        blocks = []
        for out in conv_layers:
            blocks.append(misc_nn_ops.Conv2dNormActivation(channels, out, norm_layer=norm_layer))
            channels = out
        blocks.append(nn.Flatten())
        features = channels * height * width
        for out in fc_layers:
            blocks += [nn.Linear(features, out), nn.ReLU(inplace=True)]
            features = out
        super().__init__(*blocks)
        init_conv2d(self, partial(nn.init.kaiming_normal_, mode="fan_out", nonlinearity="relu"))


class FastRCNNPredictor(nn.Module):
    """Class scores and per-class box deltas from the box head's features."""

    def __init__(self, in_channels, num_classes):
        super().__init__()
        self.cls_score = nn.Linear(in_channels, num_classes)
        self.bbox_pred = nn.Linear(in_channels, num_classes * 4)

    def forward(self, x):
        if x.dim() == 4 and list(x.shape[2:]) != [1, 1]:
            raise _errors.predictor_input_shape(list(x.shape[2:]))
        x = x.flatten(start_dim=1)
        return self.cls_score(x), self.bbox_pred(x)


# ---- builders --------------------------------------------------------------------------------
def resnet50_fpn(cfg, backbone_norm=None, **extractor):
    """ResNet-50 (by default with frozen batch norm when pretrained) with an FPN
    (``extractor``: ``_resnet_fpn_extractor``'s options, by default all four stages)."""
    backbone = resnet50(weights=cfg.weights_backbone, progress=cfg.progress,
                        norm_layer=backbone_norm or cfg.norm_layer)
    return _resnet_fpn_extractor(backbone, cfg.trainable_layers, **extractor)


def resnet50_fpn_v2(cfg):
    """ResNet-50 with trainable batch norm, and batch norm in the FPN too."""
    return resnet50_fpn(cfg, backbone_norm=nn.BatchNorm2d, norm_layer=nn.BatchNorm2d)


def v2_heads(out_channels):
    """The ``_v2`` models' RPN head (two convolutions) and conv+FC box head."""
    anchors = _default_anchorgen()
    rpn_head = RPNHead(out_channels, anchors.num_anchors_per_location()[0], conv_depth=2)
    box_head = FastRCNNConvFCHead((out_channels, 7, 7), [256, 256, 256, 256], [1024],
                                  norm_layer=nn.BatchNorm2d)
    return dict(rpn_anchor_generator=anchors, rpn_head=rpn_head, box_head=box_head)


def eps_zero(model, weights):
    """The original COCO checkpoints were trained with FrozenBatchNorm2d's eps at 0."""
    if weights.name == "COCO_V1":
        overwrite_eps(model, 0.0)


def _fasterrcnn_resnet50_fpn(cfg, **kwargs):
    return FasterRCNN(resnet50_fpn(cfg), num_classes=cfg.num_classes, **kwargs)


def _fasterrcnn_resnet50_fpn_v2(cfg, **kwargs):
    backbone = resnet50_fpn_v2(cfg)
    return FasterRCNN(backbone, num_classes=cfg.num_classes, **v2_heads(backbone.out_channels),
                      **kwargs)


def _fasterrcnn_mobilenet_v3_large_fpn(cfg, **kwargs):
    backbone = mobilenet_v3_large(weights=cfg.weights_backbone, progress=cfg.progress,
                                  norm_layer=cfg.norm_layer)
    backbone = _mobilenet_extractor(backbone, True, cfg.trainable_layers)
    sizes = ((32, 64, 128, 256, 512),) * 3
    anchors = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))
    return FasterRCNN(backbone, cfg.num_classes, rpn_anchor_generator=anchors, **kwargs)


FasterRCNN_ResNet50_FPN_Weights, fasterrcnn_resnet50_fpn = detection_builder(
    "fasterrcnn_resnet50_fpn", resnet50, _fasterrcnn_resnet50_fpn, finish=eps_zero)
FasterRCNN_ResNet50_FPN_V2_Weights, fasterrcnn_resnet50_fpn_v2 = detection_builder(
    "fasterrcnn_resnet50_fpn_v2", resnet50, _fasterrcnn_resnet50_fpn_v2,
    backbone_default=None)
FasterRCNN_MobileNet_V3_Large_320_FPN_Weights, fasterrcnn_mobilenet_v3_large_320_fpn = \
    detection_builder("fasterrcnn_mobilenet_v3_large_320_fpn", mobilenet_v3_large,
                      _fasterrcnn_mobilenet_v3_large_fpn, trainable=(6, 3),
                      defaults=dict(min_size=320, max_size=640, rpn_pre_nms_top_n_test=150,
                                    rpn_post_nms_top_n_test=150, rpn_score_thresh=0.05))
FasterRCNN_MobileNet_V3_Large_FPN_Weights, fasterrcnn_mobilenet_v3_large_fpn = detection_builder(
    "fasterrcnn_mobilenet_v3_large_fpn", mobilenet_v3_large, _fasterrcnn_mobilenet_v3_large_fpn,
    trainable=(6, 3), defaults=dict(rpn_score_thresh=0.05))
