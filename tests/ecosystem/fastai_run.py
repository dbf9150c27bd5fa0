"""fastai 2.8: a tabular learner (Categorify / Normalize, embeddings, fit) and a vision learner
on a resnet18 body over PNG files (item transforms, fit_one_cycle with fastai's Adam, get_preds).
The learning rate is small: at 1e-3 this batch-of-6 BatchNorm net amplifies float32 rounding
so much that PyTorch with one thread and with two differ by 1e-3 after one epoch."""
import os
import tempfile

import numpy as np
import pandas as pd
import torch
from fastai.tabular.all import (Categorify, CategoryBlock, Normalize, TabularDataLoaders,
                                accuracy, tabular_learner)
from fastai.vision.all import (ImageDataLoaders, Resize, error_rate, get_image_files, resnet18,
                               vision_learner)
from PIL import Image

from _common import report

n = 64
df = pd.DataFrame({"a": np.linspace(0, 1, n), "b": np.cos(np.arange(n)),
                   "c": ["x", "y"] * (n // 2), "y": np.arange(n) % 3})
dls = TabularDataLoaders.from_df(df, y_names="y", cat_names=["c"], cont_names=["a", "b"],
                                 y_block=CategoryBlock(), procs=[Categorify, Normalize], bs=16,
                                 shuffle=False, valid_idx=list(range(48, 64)))
torch.manual_seed(0)
learn = tabular_learner(dls, layers=[8], n_out=3, metrics=accuracy)
with learn.no_bar(), learn.no_logging():
    learn.fit(2, 1e-2)
report("tabular", [float(v) for v in learn.recorder.values[-1]])

root = tempfile.mkdtemp()
for label in ("cat", "dog"):
    os.makedirs(os.path.join(root, label))
    for i in range(12):
        slope = 1 if label == "cat" else 3
        pixels = (np.add.outer(np.arange(40), np.arange(40) * slope) * (i + 1)) % 256
        Image.fromarray(np.stack([pixels] * 3, -1).astype(np.uint8)).save(
            os.path.join(root, label, f"{i}.png"))
files = sorted(get_image_files(root))
dls = ImageDataLoaders.from_path_func(root, files, lambda f: f.parent.name, valid_pct=0.25,
                                      seed=0, item_tfms=Resize(32), bs=6, shuffle=False)
torch.manual_seed(0)
learn = vision_learner(dls, resnet18, pretrained=False, metrics=error_rate)
with learn.no_bar(), learn.no_logging():
    learn.fit_one_cycle(1, 1e-4)
preds, targets = learn.get_preds()
report("vision", [float(v) for v in learn.recorder.values[-1]], list(preds.shape), targets.tolist())
