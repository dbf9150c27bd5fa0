"""torch.utils._python_dispatch's wrapper-subclass checks, compared with torch's."""
import subprocess
import sys

import pytest

import ember

torch = pytest.importorskip("torch")


def _classes(lib):
    class Plain(lib.Tensor):
        pass

    class FlattenOnly(lib.Tensor):
        def __tensor_flatten__(self):
            return [], None

    class Wrapper(FlattenOnly):
        @staticmethod
        def __tensor_unflatten__(inner, meta, outer_size, outer_stride):
            return None

    return {"tensor": lib.Tensor, "plain": Plain, "flatten_only": FlattenOnly,
            "wrapper": Wrapper}


@pytest.mark.parametrize("kind", ["tensor", "plain", "flatten_only", "wrapper"])
def test_checks_match_torch(kind):
    from ember.utils import _python_dispatch as ours
    from torch.utils import _python_dispatch as theirs
    e_cls, t_cls = _classes(ember)[kind], _classes(torch)[kind]
    e_obj = ember.ones(2) if kind == "tensor" else ember.ones(2).as_subclass(e_cls)
    t_obj = torch.ones(2) if kind == "tensor" else torch.ones(2).as_subclass(t_cls)
    assert ours.is_traceable_wrapper_subclass(e_obj) == \
        theirs.is_traceable_wrapper_subclass(t_obj)
    assert ours.is_traceable_wrapper_subclass_type(e_cls) == \
        theirs.is_traceable_wrapper_subclass_type(t_cls)


@pytest.mark.parametrize("obj", [None, 3, [1.0], "x"])
def test_non_tensors_are_not_wrappers(obj):
    from ember.utils._python_dispatch import is_traceable_wrapper_subclass
    from torch.utils._python_dispatch import is_traceable_wrapper_subclass as theirs
    assert is_traceable_wrapper_subclass(obj) is theirs(obj) is False


@pytest.mark.slow
def test_imports_from_torch_path_under_the_runner(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(
        "import torch\n"
        "from torch.utils._python_dispatch import is_traceable_wrapper_subclass\n"
        "print(is_traceable_wrapper_subclass(torch.ones(1)))\n")
    out = subprocess.run([sys.executable, "-m", "ember.run", str(script)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False"]
