"""torch.hub with hubconf.py repositories: a local folder, and a GitHub repository already in
the hub cache (``$TORCH_HOME/hub/owner_name_ref``), so no network is needed."""
import os
import sys
import tempfile

import torch

HUBCONF = '''
dependencies = ["numpy"]
import torch


def tiny(out_features=2):
    """A tiny linear model."""
    torch.manual_seed(0)
    return torch.nn.Linear(3, out_features)


def _private():
    pass


VALUE = 3
'''
root = tempfile.mkdtemp()
torch.hub.set_dir(os.path.join(root, "hub"))
local = os.path.join(root, "repo")
cached = os.path.join(torch.hub.get_dir(), "someone_models_main")
for folder in (local, cached):
    os.makedirs(folder)
    with open(os.path.join(folder, "hubconf.py"), "w") as f:
        f.write(HUBCONF)

model = torch.hub.load(local, "tiny", source="local", out_features=4)
print(model, tuple(model.weight.shape))
print(torch.hub.list("someone/models:main", trust_repo=True, verbose=False))
print(torch.hub.help("someone/models:main", "tiny", trust_repo=True))
print(torch.hub.load("someone/models:main", "tiny", trust_repo=True, verbose=False))
with open(os.path.join(torch.hub.get_dir(), "trusted_list")) as f:
    print("trusted:", f.read().split())
for args, kwargs in [((local, "missing"), {"source": "local"}), ((local, "VALUE"), {"source": "local"}),
                     ((local, 3), {"source": "local"}), ((local, "tiny"), {"source": "svn"})]:
    try:
        torch.hub.load(*args, **kwargs)
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)
print(torch.hub.HASH_REGEX.search("resnet18-f37072fd.pth").group(1))
sys.stdout.flush()
