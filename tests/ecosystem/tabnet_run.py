"""pytorch-tabnet 4.1: TabNetClassifier and TabNetRegressor fit (seeded: the same random draws
as under PyTorch), predictions, feature importances and the attention masks."""
import warnings

import numpy as np
from pytorch_tabnet.tab_model import TabNetClassifier, TabNetRegressor

from _common import report

warnings.filterwarnings("ignore")      # "No early stopping will be performed"
rng = np.random.default_rng(0)
X = rng.standard_normal((64, 5)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(int)

clf = TabNetClassifier(n_d=4, n_a=4, n_steps=2, seed=0, verbose=0, device_name="cpu")
clf.fit(X, y, max_epochs=3, batch_size=32, virtual_batch_size=16, drop_last=False)
report("tabnet proba", clf.predict_proba(X[:4]).round(5).flatten().tolist())
report("tabnet importances", clf.feature_importances_.round(5).tolist())
explain, masks = clf.explain(X[:3])
report("tabnet explain", explain.round(5).flatten().tolist(), len(masks))

reg = TabNetRegressor(n_d=4, n_a=4, n_steps=2, seed=1, verbose=0, device_name="cpu")
reg.fit(X, (X[:, :1] * 2 - X[:, 2:3]).astype(np.float32), max_epochs=3, batch_size=32,
        virtual_batch_size=16, drop_last=False)
report("tabnet regression", reg.predict(X[:5]).round(5).flatten().tolist())
