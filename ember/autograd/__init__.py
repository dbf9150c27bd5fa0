"""Automatic differentiation: the graph (``graph``), the engine, grad modes and helpers."""
from . import grad_mode, graph
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode
from .engine import backward, grad
from .graph import Node
