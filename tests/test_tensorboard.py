"""torch.utils.tensorboard.SummaryWriter: Ember writes the event files itself; tensorboard's
EventAccumulator reads Ember's and torch's files back and they must hold the same data
(scalars, add_scalars runs, histograms, images, text, hparams)."""
import io
import os

import numpy as np
import pytest

import ember
from ember.utils import tensorboard as etb

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module", autouse=True)
def ttb():
    """torch's writer.  It and tensorboard's reader are imported when this file runs, not at
    collection: every xdist worker collects every file (15 MB each)."""
    pytest.importorskip("tensorboard")
    from torch.utils import tensorboard
    return tensorboard


def _accumulator(logdir, **kwargs):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    ea = EventAccumulator(logdir, **kwargs)
    ea.Reload()
    return ea

DATA = np.random.default_rng(0)
VALUES = DATA.standard_normal(500).astype("float32")
IMAGE = DATA.uniform(0, 1, (3, 6, 5)).astype("float32")
BATCH = DATA.uniform(0, 1, (3, 1, 4, 4)).astype("float32")
HWC_U8 = DATA.integers(0, 255, (4, 5, 3)).astype("uint8")


def _write(lib, mod, logdir):
    with mod.SummaryWriter(logdir) as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalar("tensor_scalar", lib.tensor(2.0 * step), step)
        w.add_scalars("run", {"a": 1.0, "b": 2.0}, 5)
        w.add_histogram("hist", lib.tensor(VALUES), 1)
        w.add_histogram("hist_auto", VALUES, 2, bins="auto")
        w.add_histogram("hist_max", lib.tensor(VALUES), 3, bins=50, max_bins=7)
        w.add_image("chw", lib.tensor(IMAGE), 0)
        w.add_image("hwc_u8", HWC_U8, 0, dataformats="HWC")
        w.add_images("batch", lib.tensor(BATCH), 0)
        w.add_text("note", "hello *world*", 4)
        w.add_hparams({"lr": 0.1, "opt": "sgd", "bn": True, "layers": 3},
                      {"acc": 0.75}, hparam_domain_discrete={"opt": ["sgd", "adam"]},
                      run_name="hp")
    return logdir


def _read(logdir):
    ea = _accumulator(logdir, size_guidance={"histograms": 0, "images": 0, "tensors": 0,
                                             "scalars": 0})
    out = {"tags": {k: sorted(v) for k, v in ea.Tags().items() if isinstance(v, list)}}
    out["scalars"] = {t: [(e.step, e.value) for e in ea.Scalars(t)]
                      for t in ea.Tags()["scalars"]}
    out["histograms"] = {}
    for t in ea.Tags()["histograms"]:
        h = ea.Histograms(t)[0]
        hv = h.histogram_value
        out["histograms"][t] = (h.step, hv.min, hv.max, hv.num, round(hv.sum, 3),
                                round(hv.sum_squares, 2), list(hv.bucket_limit),
                                list(hv.bucket))
    out["images"] = {}
    from PIL import Image
    for t in ea.Tags()["images"]:
        im = ea.Images(t)[0]
        pixels = np.asarray(Image.open(io.BytesIO(im.encoded_image_string)))
        out["images"][t] = (im.step, im.width, im.height, pixels.tolist())
    out["text"] = {t: [(e.step, list(e.tensor_proto.string_val)) for e in ea.Tensors(t)]
                   for t in ea.Tags()["tensors"]}
    return out


def _runs(logdir):
    return sorted(os.path.relpath(d, logdir) for d, _, files in os.walk(logdir)
                  if any(f.startswith("events.out.tfevents.") for f in files))


def _hparams(logdir, metric="acc"):
    from tensorboard.plugins.hparams import metadata as hp_meta
    ea = _accumulator(os.path.join(logdir, "hp"))
    content = ea.PluginTagToContent("hparams")
    return (str(hp_meta.parse_experiment_plugin_data(content[hp_meta.EXPERIMENT_TAG])),
            str(hp_meta.parse_session_start_info_plugin_data(
                content[hp_meta.SESSION_START_INFO_TAG])),
            str(hp_meta.parse_session_end_info_plugin_data(
                content[hp_meta.SESSION_END_INFO_TAG])).split("end_time_secs")[0],
            [(e.step, e.value) for e in ea.Scalars(metric)])


@pytest.fixture(scope="module")
def logs(tmp_path_factory, ttb):
    root = tmp_path_factory.mktemp("tb")
    return (_write(ember, etb, str(root / "ember")), _write(torch, ttb, str(root / "torch")))


def test_runs_match(logs):
    assert _runs(logs[0]) == _runs(logs[1])


@pytest.mark.parametrize("kind", ["tags", "scalars", "histograms", "images", "text"])
def test_contents_match(logs, kind):
    assert _read(logs[0])[kind] == _read(logs[1])[kind]


def test_add_scalars_runs_match(logs):
    for run in ("run_a", "run_b"):
        e = _read(os.path.join(logs[0], run))["scalars"]
        t = _read(os.path.join(logs[1], run))["scalars"]
        assert e == t


def test_hparams_match(logs):
    assert _hparams(logs[0]) == _hparams(logs[1])


def test_event_file_framing(tmp_path):
    """The TFRecord framing and masked CRC32C, checked by tensorboard's own record reader."""
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New
    with etb.SummaryWriter(str(tmp_path)) as w:
        w.add_scalar("x", 3.0, 7)
    path = next(str(p) for p in tmp_path.iterdir())
    reader = PyRecordReader_New(path)
    count = 0
    while True:
        try:
            reader.GetNext()
        except Exception:       # noqa: BLE001 - end of file
            break
        count += 1
    assert count == 2


def test_errors_match_torch(tmp_path, ttb):
    for call in (lambda m: m.SummaryWriter(str(tmp_path / "e")).add_histogram("h", np.zeros(0)),
                 lambda m: m.SummaryWriter(str(tmp_path / "f")).add_hparams([], {})):
        errs = []
        for mod in (etb, ttb):
            with pytest.raises(Exception) as info:
                call(mod)
            errs.append((type(info.value).__name__, str(info.value)))
        assert errs[0] == errs[1]


def test_summary_module_as_lightning_uses_it(tmp_path, ttb):
    """``summary.hparams`` handed to the writer's file writer, as Lightning's logger does."""
    from torch.utils.tensorboard import summary as tsummary
    from ember.utils.tensorboard import summary as esummary
    results = []
    for mod, summary in ((etb, esummary), (ttb, tsummary)):
        logdir = str(tmp_path / mod.__name__.split(".")[0])
        with mod.SummaryWriter(os.path.join(logdir, "hp")) as w:
            for s in summary.hparams({"lr": 0.5, "name": "x"}, {"m": 0}):
                w.file_writer.add_summary(s)
            w.add_scalar("m", 1.0, 0)
        results.append(_hparams(logdir, "m"))
        errors = []
        for bad in (([], {}), ({}, [])):
            with pytest.raises(TypeError) as info:
                summary.hparams(*bad)
            errors.append(str(info.value))
        results.append(errors)
    assert results[0] == results[2] and results[1] == results[3]


def test_add_figure_matches_torch(tmp_path, ttb):
    plt = pytest.importorskip("matplotlib.pyplot")
    images = []
    for mod in (etb, ttb):
        logdir = str(tmp_path / mod.__name__.split(".")[0])
        with mod.SummaryWriter(logdir) as w:
            fig = plt.figure(figsize=(2, 1.5), dpi=40)
            plt.plot([0, 1, 2], [1, 0, 1])
            w.add_figure("fig", fig, 3)
            w.add_figure("figs", [plt.figure(figsize=(1, 1), dpi=20) for _ in range(2)], 4)
        images.append(_read(logdir)["images"])
    assert images[0] == images[1]
