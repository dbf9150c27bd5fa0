"""Imports a torch submodule that Ember does not implement."""
import torch
import torch.fft

print(torch.fft.fft(torch.ones(4)))
