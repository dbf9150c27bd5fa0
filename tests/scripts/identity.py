"""What a program learns about the installed PyTorch (version, metadata, specs, errors)."""
import importlib.metadata as md
import importlib.util

import torch
from packaging.version import Version

v = torch.__version__
print("version type:", type(v).__name__, isinstance(v, str))
print("release:", Version(v).release, Version(torch.version.__version__).release)
print("compares:", v >= "2.1", v >= "2.13", v < "2.14", v >= (2, 13), v < (2, 14, 0), v > (1, 9))
print("torch.version:", torch.version.cuda, torch.version.hip, torch.version.debug,
      isinstance(torch.version.git_version, str))
print("metadata:", Version(md.version("torch")).release, md.distribution("torch").metadata["Name"])
print("top level:", "torch" in md.packages_distributions())
print("find_spec:", importlib.util.find_spec("torch") is not None)
try:
    from torch.hub import no_such_name  # noqa: F401
except ImportError as e:
    print("import error:", str(e).split(" (")[0])
if importlib.util.find_spec("torchvision") is not None:
    import torchvision
    print("torchvision:", Version(torchvision.__version__).release[:2],
          Version(md.version("torchvision")).release[:2])
