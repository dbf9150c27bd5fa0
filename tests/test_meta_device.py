"""The meta device: shapes and dtypes without data, as torch's (construction under
``with device('meta')``, ops, printing, refusal to copy out, ``Module.to_empty``)."""
import pytest

from tests._autograd_compare import compare

pytest.importorskip("torch")


def test_meta_tensors_compute_shapes_and_print_like_torch():
    def case(T):
        t = T.empty(2, 3, device="meta")
        u = (t @ T.empty(3, 5, device="meta")).sum(0)
        return (repr(t), repr(u), repr(T.empty(2, device="meta", dtype=T.int64)),
                repr(T.zeros((), device="meta")), t.is_meta, tuple(u.shape), str(u.dtype),
                str(u.device))
    compare(case)


@pytest.mark.parametrize("read", ["cpu", "tolist", "numpy", "item", "to"])
def test_meta_tensors_have_no_data(read):
    def case(T):
        t = T.empty(2, 3, device="meta")
        return {"cpu": t.cpu, "tolist": t.tolist, "numpy": t.numpy, "item": t.item,
                "to": lambda: t.to("cpu")}[read]()
    compare(case)


def test_modules_built_on_meta_then_materialised():
    def case(T):
        with T.device("meta"):
            m = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.LayerNorm(4))
        before = [(n, p.is_meta, tuple(p.shape)) for n, p in m.named_parameters()]
        m.to_empty(device="cpu")
        after = [(n, p.is_meta, str(p.device)) for n, p in m.named_parameters()]
        return before, after
    compare(case)
