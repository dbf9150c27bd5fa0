"""Fails with a shape error on a known line (the traceback must point at it)."""
import torch


def broken():
    return torch.ones(2, 3) @ torch.ones(2, 3)  # the failing line


broken()
