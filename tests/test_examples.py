"""The runnable examples (``python -m ember.examples.<name>``): each runs with reduced sizes and
reaches its metric; the quickstart's checkpoint loads in real PyTorch."""
import gzip
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

import ember
from ember.examples import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def one_blas_thread():
    """The examples multiply small matrices; on shared cores one BLAS thread is fastest."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1):
        yield


def run_module(name, *args):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", f"ember.examples.{name}", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout, seconds


# ---- quickstart ---------------------------------------------------------------------------
def _digits_test_inputs():
    from ember.examples.quickstart import to_normalized_tensor
    from ember.vision import datasets
    test = datasets.Digits(train=False, transform=to_normalized_tensor(0.305, 0.375))
    return ember.stack([test[i][0] for i in range(len(test))])


def _torch_network(torch):
    """The quickstart's model written in real PyTorch, with the same attribute names."""
    class NeuralNetwork(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = torch.nn.Flatten()
            self.linear_relu_stack = torch.nn.Sequential(
                torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                torch.nn.ReLU(), torch.nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork()


@pytest.mark.slow  # a training run in a subprocess (about 4 CPU-seconds)
def test_quickstart_digits_reaches_90_percent_and_saves_torch_loadable_model(tmp_path):
    torch = pytest.importorskip("torch")
    out, seconds = run_module("quickstart", "--data", str(tmp_path / "no_data"),
                              "--out", str(tmp_path))
    print(f"quickstart on Digits took {seconds:.1f} s (informational)")
    assert "using the embedded Digits set" in out
    accuracies = [float(a) for a in re.findall(r"Test Error: \n Accuracy: ([\d.]+)%", out)]
    assert len(accuracies) == 12
    assert accuracies[-1] >= 90.0, out[-2000:]
    assert re.search(r"Done! Digits: accuracy [\d.]+% in [\d.]+ s", out)

    from ember.examples.quickstart import NeuralNetwork
    state = torch.load(tmp_path / "model.pth", weights_only=True)
    reference = _torch_network(torch)
    reference.load_state_dict(state)
    model = NeuralNetwork(64)
    model.load_state_dict(ember.load(tmp_path / "model.pth"))
    x = _digits_test_inputs()
    with ember.no_grad(), torch.no_grad():
        ours = model(x).numpy()
        theirs = reference(torch.from_numpy(x.numpy())).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    assert (ours.argmax(1) == theirs.argmax(1)).all()


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.mark.slow  # a training run in a subprocess
def test_quickstart_prefers_fashion_mnist_when_present(tmp_path):
    """A tiny FashionMNIST in torchvision's raw layout is picked up (784 inputs)."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 128), ("t10k", 64)):
        _write_idx(raw / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(raw / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))
    out, _ = run_module("quickstart", "--data", str(tmp_path), "--epochs", "1",
                        "--out", str(tmp_path / "out"))
    assert "in_features=784" in out and "Done! FashionMNIST" in out
    assert (tmp_path / "out" / "model.pth").is_file()


def test_quickstart_without_matplotlib_or_tqdm(tmp_path, monkeypatch, capsys):
    """Both extras are optional: plain progress lines and a message instead of the plot."""
    from ember.examples import quickstart
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = quickstart.main(["--data", str(tmp_path), "--epochs", "1", "--out",
                              str(tmp_path)])
    out = capsys.readouterr().out
    assert "epoch 1: loss=" in out
    assert "matplotlib is not installed (pip install 'ember[examples]')" in out
    assert result["plot_path"] is None and result["dataset"] == "Digits"


def test_quickstart_plot_when_matplotlib_present(tmp_path):
    pytest.importorskip("matplotlib")
    from ember.examples import quickstart
    history = {"train_loss": [1.0, 0.5], "test_loss": [1.1, 0.6], "accuracy": [0.5, 0.8]}
    path = quickstart.save_plot(history, str(tmp_path / "curves.png"))
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    # with a grid of sample predictions: 4 wrong of 16 are taken among the first images
    model = quickstart.NeuralNetwork(4 * 4, hidden=8)
    data = [(ember.randn(1, 4, 4), i % 10) for i in range(200)]
    images, labels, predicted = quickstart.sample_predictions(model, data)
    assert images.shape == (16, 4, 4) and len(labels) == len(predicted) == 16
    assert sum(t != p for t, p in zip(labels, predicted)) <= 4
    path = quickstart.save_plot(history, str(tmp_path / "grid.png"), title="t",
                                samples=(images, labels, predicted))
    from PIL import Image
    assert Image.open(path).size == (1000, 660)


# ---- the other examples -------------------------------------------------------------------
def test_fit_line():
    from ember.examples import fit_line
    w, b = fit_line.main()
    assert abs(w - 3) < 0.05 and abs(b - 2) < 0.05


def test_linear_regression():
    from ember.examples import linear_regression
    mse, error = linear_regression.main(["--epochs", "10"])
    assert mse < 0.02 and error < 0.05


def test_cnn_residual():
    from ember.examples import cnn_residual
    history = cnn_residual.main(["--epochs", "2", "--channels", "8"])
    assert history["accuracy"][-1] > 0.6    # chance is 0.1


def test_cnn_rnn_hybrid():
    from ember.examples import cnn_rnn_hybrid
    history = cnn_rnn_hybrid.main(["--epochs", "2", "--hidden", "32"])
    assert history["accuracy"][-1] > 0.7


@pytest.mark.slow  # trains a model (2-3 CPU-seconds)
def test_transfer_learning_trains_only_the_head():
    pytest.importorskip("ember.vision.models", reason="ember.vision.models is not available")
    from ember.examples import transfer_learning
    ember.manual_seed(0)
    before = {k: v.clone() for k, v in transfer_learning.frozen_resnet18(10).state_dict().items()
              if k.endswith("weight") and not k.startswith("fc")}
    model, history = transfer_learning.main(["--epochs", "2", "--train-size", "256",
                                             "--test-size", "64"])
    assert [n for n, p in model.named_parameters() if p.requires_grad] == ["fc.weight", "fc.bias"]
    after = model.state_dict()
    assert all(ember.equal(after[k], v) for k, v in before.items())
    assert history["train_loss"][-1] < history["train_loss"][0]


@pytest.mark.slow  # trains a policy (about 4 CPU-seconds)
def test_reinforce_learns():
    from ember.examples import reinforce
    first, last = reinforce.main(["--episodes", "60"])
    assert last > 1.5 * first


@pytest.mark.slow
def test_seed_name_aliases_run_as_modules():
    out, _ = run_module("mlp_fashion_mnist", "--help")
    assert "--data" in out and "--epochs" in out


def test_progress_fallback_prints_summary(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    bar = _common.progress(range(3), desc="demo")
    for _ in bar:
        bar.set_postfix(loss="0.5")
    assert capsys.readouterr().out == "demo: loss=0.5\n"
