"""view / reshape shape inference (the -1 dimension) and its errors, compared with torch, on
contiguous, non-contiguous, empty and 0-d inputs; the view path and reshape's copy path."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_SPECS = [(-1,), (6, -1), (-1, 4), (2, 3, 4), (4, -1, 3), ((3, 8),), ([-1, 2],), (-1, -1),
          (2, -2, 6), (5, -1), (0, -1), (-1, 0), (24,), (25,), (1, 24, 1), (-1, 1, 1)]
_INPUTS = {"contiguous": lambda lib: lib.arange(24.0).reshape(4, 6),
           "transposed": lambda lib: lib.arange(24.0).reshape(4, 6).t(),
           "sliced": lambda lib: lib.arange(48.0).reshape(4, 12)[:, ::2],
           "empty": lambda lib: lib.zeros(0, 3),
           "scalar": lambda lib: lib.tensor(5.0)}


def _run(lib, make, method, spec):
    try:
        out = getattr(make(lib), method)(*spec)
    except Exception as e:   # noqa: BLE001 (compared with torch's exception below)
        return type(e), str(e)
    return tuple(out.shape), np.asarray(out.tolist()).tolist()


@pytest.mark.parametrize("method", ["view", "reshape"])
@pytest.mark.parametrize("kind", sorted(_INPUTS))
def test_shape_inference_matches_torch(kind, method):
    make = _INPUTS[kind]
    for spec in _SPECS + [(1,), (-1, 1), (1, -1, 1)]:
        assert _run(ember, make, method, spec) == _run(torch, make, method, spec), spec


@pytest.mark.parametrize("kind", ["contiguous", "transposed", "sliced"])
def test_views_share_memory_and_record_view_backward(kind):
    e = _INPUTS[kind](ember).requires_grad_()
    t = _INPUTS[kind](torch).requires_grad_()
    for spec in [(-1,), (2, -1)]:
        try:
            ev, tv = e.view(*spec), None
        except RuntimeError:
            with pytest.raises(RuntimeError):
                t.view(*spec)
            continue
        tv = t.view(*spec)
        assert type(ev.grad_fn).__name__ == type(tv.grad_fn).__name__ == "ViewBackward0"
        assert ev._base is (e._base if e._base is not None else e)
        assert tv._base is (t._base if t._base is not None else t)
        er, tr = e.reshape(*spec), t.reshape(*spec)
        assert type(er.grad_fn).__name__ == type(tr.grad_fn).__name__
        (er * ember.arange(float(er.numel())).reshape(er.shape)).sum().backward()
        (tr * torch.arange(float(tr.numel())).reshape(tr.shape)).sum().backward()
        assert e.grad.tolist() == t.grad.tolist()
        e.grad = t.grad = None
