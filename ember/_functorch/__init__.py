"""torch._functorch: the private module paths some libraries import torch.func's transforms
from. Each module re-exports ``ember.func``'s objects; nothing is defined here."""
