"""ember.onnx.export: checked by onnx.checker and run in onnxruntime against ember's eager
output at batch sizes 1 and 7 (dynamic batch axis)."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn as nn
from tests import isolated

from tests.test_jit import MLP, _cnn, _encoder_layer, _lstm, _mobilenet_v2, _resnet18


@pytest.fixture(scope="module", autouse=True)
def _onnx():
    """onnx and onnxruntime, imported when this file runs, not at collection: every xdist
    worker collects every file (22 MB each)."""
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")


def _flat(out):
    if isinstance(out, ember.Tensor):
        return [out]
    return [t for item in out for t in _flat(item)]


def _export_and_run(m, shape, tmp_path, outputs=("y",), batch_axes=(0,)):
    """Export with a dynamic batch axis (``batch_axes``: its position in each output)."""
    import onnx
    import onnxruntime as ort
    path = tmp_path / "model.onnx"
    axes = {"x": {0: "batch"}}
    axes.update({name: {d: "batch"} for name, d in zip(outputs, batch_axes * len(outputs))})
    proto = ember.onnx.export(m, (ember.randn(*shape),), str(path), input_names=["x"],
                              output_names=list(outputs), dynamic_axes=axes)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for n in (1, 7):
        x = ember.randn(n, *shape[1:])
        got = session.run(None, {"x": x.numpy()})
        with ember.no_grad():
            want = _flat(m(x))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-5)
    return proto


def test_mlp(tmp_path):
    proto = _export_and_run(MLP(), (5, 4), tmp_path)
    assert [i.name for i in proto.graph.initializer] == ["fc1.weight", "fc1.bias",
                                                         "fc2.weight", "fc2.bias"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert [n.op_type for n in proto.graph.node][:3] == ["Gemm", "Relu", "Gemm"]
    assert proto.opset_import[0].version == 18 and proto.ir_version == 8


def test_residual_cnn(tmp_path):
    proto = _export_and_run(_cnn(), (2, 3, 16, 16), tmp_path)
    ops = {n.op_type for n in proto.graph.node}
    assert {"Conv", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Flatten", "LogSoftmax", "Add"} <= ops
    assert "Dropout" not in ops


def test_training_module_is_exported_in_eval_mode(tmp_path):
    m = _cnn().train()
    _export_and_run(m.eval(), (2, 3, 8, 8), tmp_path)
    m.train()
    ember.onnx.export(m, (ember.randn(2, 3, 8, 8),), str(tmp_path / "m.onnx"))
    assert m.training


@pytest.mark.parametrize("act", [nn.Sigmoid(), nn.Tanh(), nn.GELU(), nn.GELU("tanh"),
                                 nn.LeakyReLU(0.2), nn.ELU(), nn.SiLU(), nn.Hardswish(),
                                 nn.ReLU6(), nn.Softplus(), nn.Softmax(dim=-1),
                                 nn.LayerNorm(6)])
def test_activations_and_layer_norm(act, tmp_path):
    _export_and_run(nn.Sequential(nn.Linear(4, 6), act), (3, 4), tmp_path)


def test_function_with_operators(tmp_path):
    def f(x):
        y = (x * 2 - 1).permute(0, 2, 1).reshape(x.shape[0], -1)
        return ember.cat([y, y.mean(1, keepdim=True), 1 / (y.abs() + 1)], 1)

    _export_and_run(f, (2, 3, 4), tmp_path)


def test_verify_helper(tmp_path):
    outs = ember.onnx.verify(MLP(), (ember.randn(3, 4),), str(tmp_path / "m.onnx"))
    assert outs[0].shape == (3, 3)


def test_op_without_mapping_is_named():
    with pytest.raises(ember.UnsupportedError, match="'cumsum'"):
        ember.onnx.export(lambda x: x.cumsum(0), (ember.randn(3),))


@pytest.mark.slow
def test_resnet18(tmp_path):
    """In its own process (tests/isolated.py): the export passes the 47 MB of weights through
    six copies in onnx's helpers, which took a worker late in the quick run past 1 GB."""
    isolated.run(_resnet18_round_trip, str(tmp_path))


def _resnet18_round_trip(directory):
    ember.manual_seed(0)
    _export_and_run(_resnet18(), (1, 3, 32, 32), pathlib.Path(directory))


def test_mobilenet_v2(tmp_path):
    proto = _export_and_run(_mobilenet_v2(), (2, 3, 32, 32), tmp_path)
    ops = {n.op_type for n in proto.graph.node}
    assert {"Clip", "GlobalAveragePool", "Flatten", "Gemm"} <= ops and "Dropout" not in ops
    assert any(a.name == "group" and a.i > 1 for n in proto.graph.node if n.op_type == "Conv"
               for a in n.attribute)


def test_transformer_encoder_layer(tmp_path):
    proto = _export_and_run(_encoder_layer(), (2, 5, 32), tmp_path)
    assert {"Softmax", "LayerNormalization", "MatMul"} <= {n.op_type for n in proto.graph.node}


def test_multihead_attention_masks_and_weights(tmp_path):
    ember.manual_seed(0)
    mha = nn.MultiheadAttention(16, 2, batch_first=True).eval()
    causal = ember.ones(4, 4).triu(1).bool()

    def f(x, padding):
        return mha(x, x, x, key_padding_mask=padding, attn_mask=causal)

    x, padding = ember.randn(3, 4, 16), ember.zeros(3, 4, dtype=ember.bool)
    padding[:, -1] = True
    ember.onnx.verify(f, (x, padding), str(tmp_path / "mha.onnx"), input_names=["x", "pad"],
                      dynamic_axes={"x": {0: "batch"}, "pad": {0: "batch"}})


def test_lstm_unrolled_with_dynamic_batch(tmp_path):
    """Unrolled over the traced sequence length; the batch axis stays dynamic (axis 1 of the
    final states)."""
    proto = _export_and_run(_lstm(), (2, 5, 8), tmp_path, outputs=("y", "h", "c"),
                            batch_axes=(0, 1, 1))
    assert [o.name for o in proto.graph.output] == ["y", "h", "c"]
    assert {"Gemm", "Sigmoid", "Tanh", "Split", "ConstantOfShape"} <= \
        {n.op_type for n in proto.graph.node}


def test_graph_changing_with_batch_size_is_rejected():
    def f(x):
        return x * 2 if x.shape[0] == 2 else x.exp()

    with pytest.raises(ember.UnsupportedError, match="change with the size of dynamic axis"):
        ember.onnx.export(f, (ember.randn(2, 3),), input_names=["x"],
                          dynamic_axes={"x": {0: "batch"}})


def test_scripted_module_is_traced_for_export(tmp_path):
    """A scripted module runs Python, so export traces it (even before its first call)."""
    m = ember.jit.script(MLP())
    proto = _export_and_run(m, (5, 4), tmp_path)
    assert [n.op_type for n in proto.graph.node][:3] == ["Gemm", "Relu", "Gemm"]
