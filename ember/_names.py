"""PyTorch-side names <-> Ember names (``torch.nn.X`` <-> ``ember.nn.X``, ``torchvision.X`` <->
``ember.vision.X``), shared by the runner's import hook and by checkpoints, which write and read
classes under torch's names so that whole-model files travel between PyTorch and Ember."""
import sys

# PyTorch-side top-level name -> Ember module it stands for.
ROOTS = {"torch": "ember", "torchvision": "ember.vision"}


def to_ember(name):
    """Ember module name for a PyTorch module name, or None if the name is not mapped."""
    for root, target in ROOTS.items():
        if name == root or name.startswith(root + "."):
            return target + name[len(root):]
    return None


def to_torch(name):
    """PyTorch-side name for an Ember module name, or None for a name outside Ember."""
    targets = [t for t in ROOTS.values() if name == t or name.startswith(t + ".")]
    if not targets:
        return None
    best = max(targets, key=len)
    root = next(r for r, t in ROOTS.items() if t == best)
    return root + name[len(best):]


def aliased():
    """True while ``import torch`` gives Ember (under ``python -m ember.run``)."""
    return sys.modules.get("torch") is sys.modules.get("ember")


def shown(name):
    """``name`` (either side's) as the user's program spells it: torch's under the runner."""
    return (to_torch(name) or name) if aliased() else (to_ember(name) or name)
