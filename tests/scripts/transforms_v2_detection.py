"""A detection data pipeline written for torchvision: tv_tensors, transforms.v2, drawing."""
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F
from torchvision.utils import draw_bounding_boxes

torch.manual_seed(0)
image = tv_tensors.Image(torch.randint(0, 256, (3, 48, 64), dtype=torch.uint8))
target = {
    "boxes": tv_tensors.BoundingBoxes([[4, 6, 30, 40], [20, 10, 60, 30]], format="XYXY",
                                      canvas_size=(48, 64)),
    "masks": tv_tensors.Mask(torch.zeros(2, 48, 64, dtype=torch.uint8)),
    "labels": torch.tensor([1, 2]),
}
transform = v2.Compose([
    v2.RandomPhotometricDistort(p=1),
    v2.RandomZoomOut(fill={tv_tensors.Image: (123, 117, 104), "others": 0}),
    v2.RandomIoUCrop(),
    v2.RandomHorizontalFlip(p=1),
    v2.Resize((32, 32)),
    v2.SanitizeBoundingBoxes(),
    v2.ToDtype(torch.float32, scale=True),
])
out, out_target = transform(image, target)
print(type(out).__name__, tuple(out.shape), out.dtype)
print(type(out_target["boxes"]).__name__, out_target["boxes"].canvas_size)
print("boxes match labels:", len(out_target["boxes"]) == len(out_target["labels"]))
cxcywh = F.convert_bounding_box_format(out_target["boxes"], new_format="CXCYWH")
print("format:", cxcywh.format.value)
drawn = draw_bounding_boxes(out, out_target["boxes"], colors="red")
print("drawn:", tuple(drawn.shape), drawn.dtype)
