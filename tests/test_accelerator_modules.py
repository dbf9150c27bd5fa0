"""``torch.xpu`` and ``torch.mps`` answer as in a PyTorch build without those devices: every
public function of Ember's modules gives torch's value or raises torch's exception."""
import pytest

import ember

torch = pytest.importorskip("torch")

ARGS = {"manual_seed": (0,), "manual_seed_all": (0,), "set_device": (0,),
        "set_rng_state": ("state",), "set_per_process_memory_fraction": (0.5,)}


def _outcome(lib, module, name):
    args = [lib.zeros(8, dtype=lib.uint8) if a == "state" else a
            for a in ARGS.get(name, ())]
    try:
        return ("ok", repr(getattr(getattr(lib, module), name)(*args)))
    except Exception as e:
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("module", ["xpu", "mps"])
def test_every_function_answers_as_torch_without_the_device(module):
    names = getattr(ember, module).__all__
    got = {n: _outcome(ember, module, n) for n in names}
    expected = {n: _outcome(torch, module, n) for n in names}
    assert got == expected


def test_the_modules_import_under_torch_names():
    import ember.mps
    import ember.xpu
    assert ember.xpu is ember.__getattr__("xpu") and ember.mps.is_available() is False
