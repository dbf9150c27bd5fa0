"""torch.utils.module_tracker.ModuleTracker against torch 2.13: the ``parents`` and ``is_bw``
seen from forward hooks and from gradient hooks on activations, weights and inputs, through
nested modules, modules with several inputs, inputs without grad, a second backward, and after
the context (hooks removed); plus the engine pieces it stands on (``queue_callback``,
``_current_graph_task_id``)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


class _Pair(object):
    """A module of two inputs (both may need grad): Bilinear, then a Linear on the sum."""
    @staticmethod
    def make(lib):
        class Pair(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.bil = lib.nn.Bilinear(3, 3, 3)
                self.lin = lib.nn.Linear(3, 3)

            def forward(self, a, b):
                return self.lin(self.bil(a, b) + a * b)
        return Pair()


def _model(lib):
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Sequential(nn.Linear(3, 3), nn.ReLU()),
                         nn.Linear(3, 2))


def _trace(lib, case):
    """Run ``case`` under a ModuleTracker, recording what it says at each hook."""
    from importlib import import_module
    tracker_cls = import_module(lib.__name__ + ".utils.module_tracker").ModuleTracker
    log = []
    x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=lib.float32,
                   requires_grad=case != "no_input_grad")
    with tracker_cls() as t:
        def note(tag):
            return lambda *a: log.append((tag, sorted(t.parents), t.is_bw))
        if case == "pair":
            m = _Pair.make(lib)
            b = lib.ones(2, 3, requires_grad=True)
            for name, sub in m.named_children():
                sub.register_forward_hook(note("fw " + name))
            out = m(x, b)
            b.register_hook(note("grad b"))
        else:
            m = _model(lib)
            for name, sub in m.named_modules():
                sub.register_forward_hook(note("fw " + name))
            out = m(x)
            # (not on the first layer's weight: which of two sibling leaves' gradients
            # arrives first is the engine's scheduling, not the tracker's business)
            m[2][0].weight.register_hook(note("grad w2.0"))
        out.register_hook(note("grad out"))
        if x.requires_grad:
            x.register_hook(note("grad x"))
        log.append(("before backward", sorted(t.parents), t.is_bw))
        out.sum().backward(retain_graph=case == "twice")
        log.append(("after backward", sorted(t.parents), t.is_bw))
        if case == "twice":
            (out * 2).sum().backward()
            log.append(("after second", sorted(t.parents), t.is_bw))
    out2 = m(x) if case != "pair" else m(x, b)
    out2.sum().backward()               # no tracking once the context is closed
    log.append(("outside", sorted(t.parents), t.is_bw))
    return log


@pytest.mark.parametrize("case", ["sequential", "no_input_grad", "twice", "pair"])
def test_parents_and_is_bw_match_torch(case):
    assert _trace(ember, case) == _trace(torch, case)


def _engine(lib):
    seen = []
    x = lib.ones(2, requires_grad=True)

    def hook(g):
        seen.append(("in", lib._C._current_graph_task_id() != -1))
        lib.autograd.Variable._execution_engine.queue_callback(
            lambda: seen.append(("callback", lib._C._current_graph_task_id() != -1)))
        return g
    y = x * 2
    y.register_hook(hook)
    x.register_hook(lambda g: seen.append(("x", None)))
    y.sum().backward()
    seen.append(("after", lib._C._current_graph_task_id()))
    with pytest.raises(RuntimeError) as e:
        lib.autograd.Variable._execution_engine.queue_callback(lambda: None)
    return seen, str(e.value)


def test_queue_callback_and_graph_task_id_match_torch():
    assert _engine(ember) == _engine(torch)
