"""Prints what a directly run script sees; exits with the status given as the first argument."""
import os
import sys

import torch

print("argv:", sys.argv[1:])
print("script:", os.path.basename(sys.argv[0]))
print("name:", __name__)
print("path0 is script dir:", sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
print("__file__ is absolute:", os.path.isabs(__file__))     # as python makes it (3.9+)
print("tensor:", torch.tensor([1, 2]).sum().item())
if len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
