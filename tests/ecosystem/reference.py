"""Run an ecosystem script under real PyTorch (the expected numbers): ``python reference.py
SCRIPT``.  Real torchvision 0.28, when installed for the tests, is importable (its compiled op
schemas declared first, see tests/oracle/torchvision_ref.py)."""
import pathlib
import runpy
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.oracle import torchvision_ref  # noqa: E402

if (torchvision_ref.TORCHVISION_DIR / "torchvision").is_dir():
    import torch
    torchvision_ref.define_compiled_op_schemas(torch)
    sys.path.append(str(torchvision_ref.TORCHVISION_DIR))
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, str(pathlib.Path(script).resolve().parent))
runpy.run_path(script, run_name="__main__")
