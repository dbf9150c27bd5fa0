"""Inference tensors, compared with torch: ``is_inference()``, views, version counters, and
torch's errors for in-place updates, saving for backward and ``requires_grad`` outside
``inference_mode``; ``inference_mode(False)`` nested inside it."""
import pytest

import ember

torch = pytest.importorskip("torch")


def _scenario(torch):
    out = []
    with torch.inference_mode():
        x = torch.ones(3)
        v = x[1:]
        c = torch.ones(3).clone()
    out.append((x.is_inference(), v.is_inference(), c.is_inference(), torch.ones(1).is_inference()))
    w = torch.ones(3, requires_grad=True)
    y = torch.ones(3)
    with torch.inference_mode():
        y.add_(1)
        z = y + 1
        out.append((y.is_inference(), y[1:].is_inference(), z.is_inference()))
        x.mul_(2)
        torch.ones(2).requires_grad_()
    for f in [lambda: x._version, lambda: x.add_(1), lambda: w * x, lambda: x.requires_grad_(),
              lambda: (w + x).sum().item(), lambda: x.clone().is_inference(), lambda: y._version,
              lambda: torch.nn.functional.linear(x, torch.ones(2, 3, requires_grad=True)),
              lambda: (x * 2).is_inference()]:
        try:
            out.append(f())
        except RuntimeError as e:
            out.append(str(e))
    with torch.inference_mode(False):
        out.append(torch.ones(1).is_inference())
    with torch.inference_mode():
        with torch.inference_mode(False):
            out.append(torch.ones(1).is_inference())
    with torch.no_grad():
        out.append(torch.ones(1).is_inference())
    p = torch.nn.Parameter(torch.ones(2))
    with torch.inference_mode():
        q = p * 2
        m = torch.nn.Linear(2, 2)(q)
    out.append((q.is_inference(), q.requires_grad, m.is_inference(), m.requires_grad))
    return out


def test_inference_tensors_match_torch():
    assert _scenario(ember) == _scenario(torch)
