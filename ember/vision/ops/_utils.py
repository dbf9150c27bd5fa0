"""Helpers shared by the RoI operators: box lists to ``[K, 5]`` RoIs, and their checks."""
import ember

from ... import _errors


def _cat(tensors, dim=0):
    """``ember.cat`` that returns a lone tensor as it is (no copy)."""
    return tensors[0] if len(tensors) == 1 else ember.cat(tensors, dim)


def convert_boxes_to_roi_format(boxes):
    """A list of per-image ``[L_i, 4]`` boxes -> ``[K, 5]`` RoIs (image index, x1, y1, x2, y2)."""
    ids = _cat([ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)])
    return ember.cat([ids, _cat(list(boxes))], dim=1)


def check_roi_boxes_shape(boxes):
    """Boxes must be a ``[K, 5]`` tensor or a list of ``[L, 4]`` tensors."""
    if isinstance(boxes, (list, tuple)):
        if any(b.size(1) != 4 for b in boxes):
            raise _errors.roi_boxes_list_shape()
    elif isinstance(boxes, ember.Tensor):
        if boxes.size(1) != 5:
            raise _errors.roi_boxes_tensor_shape()
    else:
        raise _errors.roi_boxes_type()


def as_rois(input, boxes):
    """Check ``boxes`` and return them as ``[K, 5]`` RoIs in the input's dtype."""
    check_roi_boxes_shape(boxes)
    rois = boxes if isinstance(boxes, ember.Tensor) else convert_boxes_to_roi_format(boxes)
    return rois.to(input.dtype)


def by_image(rois):
    """(image, indices of its RoIs) for each image that ``[K, 5]`` RoIs name."""
    image = rois[:, 0].long()
    for b in image.unique().tolist():
        yield b, ember.where(image == b)[0]


def split_normalization_params(model, norm_classes=None):
    """(parameters of normalisation layers, all other parameters) of ``model``, e.g. to give
    them different weight decay."""
    nn = ember.nn
    if not norm_classes:
        norm_classes = [nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm,
                        nn.modules.instancenorm._InstanceNorm, nn.LocalResponseNorm]
    for t in norm_classes:
        if not issubclass(t, nn.Module):
            raise _errors.not_a_module_class(t)
    classes = tuple(norm_classes)
    norm_params, other_params = [], []
    for module in model.modules():
        if next(module.children(), None):
            other_params.extend(p for p in module.parameters(recurse=False) if p.requires_grad)
        elif isinstance(module, classes):
            norm_params.extend(p for p in module.parameters() if p.requires_grad)
        else:
            other_params.extend(p for p in module.parameters() if p.requires_grad)
    return norm_params, other_params
