"""ember.onnx.export: checked by onnx.checker and run in onnxruntime against ember's eager
output at batch sizes 1 and 7 (dynamic batch axis)."""
import numpy as np
import pytest

import ember
import ember.nn as nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from test_jit import MLP, _cnn  # noqa: E402


def _export_and_run(m, shape, tmp_path):
    path = tmp_path / "model.onnx"
    proto = ember.onnx.export(m, (ember.randn(*shape),), str(path), input_names=["x"],
                              output_names=["y"],
                              dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for n in (1, 7):
        x = ember.randn(n, *shape[1:])
        (got,) = session.run(None, {"x": x.numpy()})
        with ember.no_grad():
            want = m(x).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
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


def test_lstm_not_yet_supported():
    with pytest.raises(ember.UnsupportedError, match="to ONNX is not supported"):
        ember.onnx.export(nn.LSTM(4, 5, batch_first=True), (ember.randn(2, 3, 4),))


def test_resnet18(tmp_path):
    models = pytest.importorskip("ember.vision.models")
    if not hasattr(models, "resnet18"):
        pytest.skip("resnet18 not available")
    ember.manual_seed(0)
    _export_and_run(models.resnet18(num_classes=10).eval(), (1, 3, 32, 32), tmp_path)
