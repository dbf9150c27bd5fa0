"""The two-stage detector skeleton: transform -> backbone -> RPN -> RoI heads -> back to the
input sizes."""
from collections import OrderedDict

import ember

from .... import _errors, nn

__all__ = ["GeneralizedRCNN", "check_detector_arguments", "check_training_targets",
           "check_degenerate_boxes"]


def check_detector_arguments(backbone, **typed):
    """torchvision's constructor checks shared by the detectors: the backbone states its
    ``out_channels``, and each ``name=(value, expected class)`` is of that class or None."""
    if not hasattr(backbone, "out_channels"):
        raise _errors.backbone_out_channels()
    for name, (value, cls) in typed.items():
        if not isinstance(value, (cls, type(None))):
            raise _errors.rcnn_argument_type(name, cls.__name__, type(value))


def check_training_targets(training, targets):
    """In training, targets are required and their boxes must be ``[N, 4]`` tensors."""
    if not training:
        return
    if targets is None:
        raise _errors.targets_none_training()
    for target in targets:
        boxes = target["boxes"]
        if not isinstance(boxes, ember.Tensor):
            raise _errors.target_boxes_type(type(boxes))
        if not (len(boxes.shape) == 2 and boxes.shape[-1] == 4):
            raise _errors.target_boxes_shape(boxes.shape)


def check_degenerate_boxes(targets):
    """Every (resized) target box must have positive width and height."""
    for index, target in enumerate(targets or ()):
        boxes = target["boxes"]
        degenerate = boxes[:, 2:] <= boxes[:, :2]
        if degenerate.any():
            first = ember.where(degenerate.any(dim=1))[0][0]
            raise _errors.degenerate_box(boxes[first].tolist(), index)


def transformed_features(model, images, targets):
    """The detectors' common start: check the targets, transform images and targets, check
    the resized boxes, run the backbone.  Returns the original image sizes, the transformed
    ``ImageList`` and targets, and the features as an ordered dict."""
    check_training_targets(model.training, targets)
    original_image_sizes = [tuple(img.shape[-2:]) for img in images]
    images, targets = model.transform(images, targets)
    check_degenerate_boxes(targets)
    features = model.backbone(images.tensors)
    if isinstance(features, ember.Tensor):
        features = OrderedDict([("0", features)])
    return original_image_sizes, images, targets, features


class GeneralizedRCNN(nn.Module):
    """``forward(images, targets=None)``: a list of ``[C, H, W]`` images; in training the
    loss dict, in evaluation one ``{"boxes", "labels", "scores", ...}`` dict per image."""

    def __init__(self, backbone, rpn, roi_heads, transform):
        super().__init__()
        self.transform = transform
        self.backbone = backbone
        self.rpn = rpn
        self.roi_heads = roi_heads
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def forward(self, images, targets=None):
        original_image_sizes, images, targets, features = transformed_features(
            self, images, targets)
        proposals, proposal_losses = self.rpn(images, features, targets)
        detections, detector_losses = self.roi_heads(features, proposals, images.image_sizes,
                                                     targets)
        detections = self.transform.postprocess(detections, images.image_sizes,
                                                original_image_sizes)
        losses = {**detector_losses, **proposal_losses}
        return self.eager_outputs(losses, detections)
