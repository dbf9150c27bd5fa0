"""A batch of padded images and the sizes they had before padding."""

__all__ = ["ImageList"]


class ImageList:
    """``tensors``: the ``[N, C, H, W]`` padded batch; ``image_sizes``: each image's
    ``(height, width)`` inside it."""

    def __init__(self, tensors, image_sizes):
        self.tensors = tensors
        self.image_sizes = image_sizes

    def to(self, device):
        return ImageList(self.tensors.to(device), self.image_sizes)
