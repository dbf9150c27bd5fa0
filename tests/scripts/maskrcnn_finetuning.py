"""PyTorch's "TorchVision Object Detection Finetuning Tutorial", as written there (dataset
class, model surgery, transforms v2, training loop), on a small synthetic PennFudan-like
dataset generated first (PNG images and instance masks).  Differences from the tutorial: no
pretrained weights (offline), small images, two images, a few steps, and its reference
``engine.train_one_epoch`` written out as a plain loop."""
import os
import sys
import tempfile

import numpy as np
from PIL import Image

import torch
from torchvision.io import read_image
from torchvision.ops.boxes import masks_to_boxes
from torchvision import tv_tensors
from torchvision.transforms.v2 import functional as F
from torchvision.transforms import v2 as T
import torchvision
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor
from torchvision.models.detection.mask_rcnn import MaskRCNNPredictor


def make_dataset(root, n=2, size=(96, 112)):
    """PNGImages/FudanPed*.png and PedMasks/FudanPed*_mask.png with 1-2 rectangles each."""
    os.makedirs(os.path.join(root, "PNGImages"))
    os.makedirs(os.path.join(root, "PedMasks"))
    rng = np.random.default_rng(0)
    for i in range(n):
        h, w = size
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        mask = np.zeros((h, w), np.uint8)
        for k, (y, x) in enumerate([(10 + 5 * i, 12), (40, 60 - 4 * i)][: 1 + i % 2 + 1]):
            mask[y:y + 40, x:x + 25] = k + 1
            img[y:y + 40, x:x + 25] = (200, 60 + 40 * k, 50)
        Image.fromarray(img).save(os.path.join(root, "PNGImages", f"FudanPed{i:05d}.png"))
        Image.fromarray(mask).save(os.path.join(root, "PedMasks", f"FudanPed{i:05d}_mask.png"))


class PennFudanDataset(torch.utils.data.Dataset):
    def __init__(self, root, transforms):
        self.root = root
        self.transforms = transforms
        self.imgs = list(sorted(os.listdir(os.path.join(root, "PNGImages"))))
        self.masks = list(sorted(os.listdir(os.path.join(root, "PedMasks"))))

    def __getitem__(self, idx):
        img_path = os.path.join(self.root, "PNGImages", self.imgs[idx])
        mask_path = os.path.join(self.root, "PedMasks", self.masks[idx])
        img = read_image(img_path)
        mask = read_image(mask_path)
        obj_ids = torch.unique(mask)
        obj_ids = obj_ids[1:]
        num_objs = len(obj_ids)
        masks = (mask == obj_ids[:, None, None]).to(dtype=torch.uint8)
        boxes = masks_to_boxes(masks)
        labels = torch.ones((num_objs,), dtype=torch.int64)
        image_id = idx
        area = (boxes[:, 3] - boxes[:, 1]) * (boxes[:, 2] - boxes[:, 0])
        iscrowd = torch.zeros((num_objs,), dtype=torch.int64)
        img = tv_tensors.Image(img)
        target = {}
        target["boxes"] = tv_tensors.BoundingBoxes(boxes, format="XYXY",
                                                   canvas_size=F.get_size(img))
        target["masks"] = tv_tensors.Mask(masks)
        target["labels"] = labels
        target["image_id"] = image_id
        target["area"] = area
        target["iscrowd"] = iscrowd
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    def __len__(self):
        return len(self.imgs)


def get_model_instance_segmentation(num_classes):
    model = torchvision.models.detection.maskrcnn_resnet50_fpn(
        weights=None, weights_backbone=None, min_size=96, max_size=128)
    in_features = model.roi_heads.box_predictor.cls_score.in_features
    model.roi_heads.box_predictor = FastRCNNPredictor(in_features, num_classes)
    in_features_mask = model.roi_heads.mask_predictor.conv5_mask.in_channels
    hidden_layer = 256
    model.roi_heads.mask_predictor = MaskRCNNPredictor(in_features_mask, hidden_layer,
                                                       num_classes)
    return model


def get_transform(train):
    transforms = []
    if train:
        transforms.append(T.RandomHorizontalFlip(0.5))
    transforms.append(T.ToDtype(torch.float, scale=True))
    transforms.append(T.ToPureTensor())
    return T.Compose(transforms)


def collate_fn(batch):
    return tuple(zip(*batch))


torch.manual_seed(0)
root = tempfile.mkdtemp()
make_dataset(root)
dataset = PennFudanDataset(root, get_transform(train=True))
data_loader = torch.utils.data.DataLoader(dataset, batch_size=2, shuffle=True,
                                          collate_fn=collate_fn)
model = get_model_instance_segmentation(num_classes=2)
params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.SGD(params, lr=0.005, momentum=0.9, weight_decay=0.0005)
lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.1)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2
model.train()
for step in range(steps):
    for images, targets in data_loader:
        images = list(image for image in images)
        targets = [{k: v for k, v in t.items()} for t in targets]
        loss_dict = model(images, targets)
        losses = sum(loss for loss in loss_dict.values())
        optimizer.zero_grad()
        losses.backward()
        optimizer.step()
    lr_scheduler.step()
    print("step", step, sorted(loss_dict), "finite:", bool(torch.isfinite(losses)))
model.eval()
with torch.no_grad():
    prediction = model([dataset[0][0]])[0]
print("prediction keys:", sorted(prediction), "masks:", tuple(prediction["masks"].shape[1:]))
