"""Uses a torch function that Ember does not implement."""
import torch

print("before")
torch.some_missing_function(torch.ones(3))
