"""The one-stage detectors' shared skeleton (RetinaNet, FCOS): dense per-location outputs
over the pyramid, losses in training, top-k + class-wise NMS detections in evaluation."""
import ember

from .... import nn
from ...ops import boxes as box_ops
from . import _utils as det_utils
from .generalized_rcnn import transformed_features
from .transform import _IMAGENET_MEAN, _IMAGENET_STD, GeneralizedRCNNTransform

__all__ = ["DenseDetector"]


def head_and_anchors(model, images, targets):
    """The single-stage detectors' common start: ``transformed_features``, then the head's
    outputs and the anchors over the list of feature maps."""
    original_image_sizes, images, targets, features = transformed_features(model, images,
                                                                           targets)
    features = list(features.values())
    return (original_image_sizes, images, targets, features, model.head(features),
            model.anchor_generator(images, features))


class DenseDetector(nn.Module):
    """Subclasses set ``backbone``, ``anchor_generator``, ``head`` and ``box_coder`` (after
    ``super().__init__``), then ``add_transform`` (torchvision registers the transform last)
    and define ``_losses(targets, head_outputs, anchors,
    num_anchors_per_level)``, ``_scores(level)`` (flat ``[locations * classes]`` scores from
    one image's per-level outputs) and ``_decode(regression, anchors)``."""

    def __init__(self, score_thresh, nms_thresh, detections_per_img, topk_candidates):
        super().__init__()
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.topk_candidates = topk_candidates
        self._has_warned = False

    def add_transform(self, min_size, max_size, image_mean, image_std, **kwargs):
        self.transform = GeneralizedRCNNTransform(min_size, max_size,
                                                  image_mean or _IMAGENET_MEAN,
                                                  image_std or _IMAGENET_STD, **kwargs)

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def postprocess_detections(self, head_outputs, anchors, image_shapes):
        detections = []
        for index, image_shape in enumerate(image_shapes):
            boxes, scores, labels = [], [], []
            for level, level_anchors in enumerate(anchors[index]):
                outputs = {k: v[level][index] for k, v in head_outputs.items()}
                num_classes = outputs["cls_logits"].shape[-1]
                level_scores = self._scores(outputs)
                keep = level_scores > self.score_thresh
                level_scores = level_scores[keep]
                candidates = ember.where(keep)[0]
                level_scores, idxs = level_scores.topk(
                    det_utils._topk_min(candidates, self.topk_candidates, 0))
                candidates = candidates[idxs]
                anchor_idxs = ember.div(candidates, num_classes, rounding_mode="floor")
                level_boxes = self._decode(outputs["bbox_regression"][anchor_idxs],
                                           level_anchors[anchor_idxs])
                boxes.append(box_ops.clip_boxes_to_image(level_boxes, image_shape))
                scores.append(level_scores)
                labels.append(candidates % num_classes)
            boxes, scores, labels = ember.cat(boxes), ember.cat(scores), ember.cat(labels)
            detections.append(det_utils._nms_detections(boxes, scores, labels, self.nms_thresh,
                                                        self.detections_per_img))
        return detections

    def forward(self, images, targets=None):
        original_image_sizes, images, targets, features, head_outputs, anchors = \
            head_and_anchors(self, images, targets)
        hw = [x.size(2) * x.size(3) for x in features]
        if self.training:
            return self.eager_outputs(self._losses(targets, head_outputs, anchors, hw), [])
        # split the outputs and anchors by pyramid level
        per_location = head_outputs["cls_logits"].size(1) // sum(hw)
        counts = [n * per_location for n in hw]
        split_outputs = {k: list(v.split(counts, dim=1)) for k, v in head_outputs.items()}
        split_anchors = [list(a.split(counts)) for a in anchors]
        detections = self.postprocess_detections(split_outputs, split_anchors, images.image_sizes)
        detections = self.transform.postprocess(detections, images.image_sizes,
                                                original_image_sizes)
        return self.eager_outputs({}, detections)
