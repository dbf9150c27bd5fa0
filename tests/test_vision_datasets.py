"""ember.vision.datasets on generated files in torchvision's layouts, the real MNIST
(../shared/data, skipped when absent) and the embedded Digits set."""
import gzip
import hashlib
import os
import pickle
import urllib.error
import urllib.request

import numpy as np
import pytest

import ember
import ember.vision.transforms as T
from ember.vision import datasets

Image = pytest.importorskip("PIL.Image")
SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def _idx(arr):
    head = bytes([0, 0, 8, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return head + arr.astype(np.uint8).tobytes()


def _write_mnist(raw, prefix, n, rng, gz):
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    for name, arr in ((f"{prefix}-images-idx3-ubyte", images),
                      (f"{prefix}-labels-idx1-ubyte", labels)):
        data = _idx(arr)
        if gz:
            with gzip.open(os.path.join(raw, name + ".gz"), "wb") as f:
                f.write(data)
        else:
            with open(os.path.join(raw, name), "wb") as f:
                f.write(data)
    return images, labels


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
@pytest.mark.parametrize("gz", [True, False])
def test_mnist_family_from_idx(tmp_path, cls, gz):
    raw = tmp_path / cls.__name__ / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    images, labels = _write_mnist(str(raw), "train", 7, rng, gz)
    _write_mnist(str(raw), "t10k", 3, rng, gz)
    ds = cls(str(tmp_path), train=True)
    assert len(ds) == 7 and len(cls(str(tmp_path), train=False)) == 3
    assert ds.data.dtype == ember.uint8 and ds.targets.dtype == ember.int64
    img, target = ds[2]
    assert img.mode == "L" and isinstance(target, int) and target == labels[2]
    np.testing.assert_array_equal(np.asarray(img), images[2])
    assert len(ds.classes) == 10 and ds.class_to_idx[ds.classes[3]] == 3
    t = cls(str(tmp_path), transform=T.ToTensor(), target_transform=lambda y: y + 100)
    x, y = t[0]
    assert x.shape == (1, 28, 28) and y == labels[0] + 100


def test_emnist_split(tmp_path):
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    _write_mnist(str(raw), "emnist-letters-train", 4, rng, True)
    ds = datasets.EMNIST(str(tmp_path), split="letters")
    assert len(ds) == 4 and ds.classes[0] == "N/A" and len(ds.classes) == 27
    with pytest.raises(ValueError, match="Unknown value 'nope' for argument split"):
        datasets.EMNIST(str(tmp_path), split="nope")


def test_missing_and_offline_download(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.MNIST(str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(RuntimeError) as info:
        datasets.MNIST(str(tmp_path), download=True)
    msg = str(info.value)
    assert "train-images-idx3-ubyte.gz" in msg
    assert os.path.join(str(tmp_path), "MNIST", "raw") in msg
    assert not any(f.endswith(".part") for f in os.listdir(tmp_path / "MNIST" / "raw"))


def _write_cifar(folder, files, key, n_per, rng, meta_name, meta_key, names):
    folder.mkdir()
    all_data, all_labels = [], []
    for name in files:
        data = rng.integers(0, 256, (n_per, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, len(names), n_per)]
        with open(folder / name, "wb") as f:
            pickle.dump({"data": data, key: labels}, f)
        all_data.append(data)
        all_labels += labels
    with open(folder / meta_name, "wb") as f:
        pickle.dump({meta_key: names}, f)
    return np.vstack(all_data), all_labels


def test_cifar10_and_100(tmp_path):
    rng = np.random.default_rng(2)
    names = [f"c{i}" for i in range(10)]
    files = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    data, labels = _write_cifar(tmp_path / "cifar-10-batches-py", files, "labels", 2, rng,
                                "batches.meta", "label_names", names)
    ds = datasets.CIFAR10(str(tmp_path))
    assert len(ds) == 10 and ds.data.shape == (10, 32, 32, 3) and ds.classes == names
    img, target = ds[3]
    assert img.mode == "RGB" and target == labels[3]
    np.testing.assert_array_equal(np.asarray(img), data[3].reshape(3, 32, 32).transpose(1, 2, 0))
    assert len(datasets.CIFAR10(str(tmp_path), train=False)) == 2

    fine = [f"f{i}" for i in range(100)]
    _write_cifar(tmp_path / "cifar-100-python", ["train", "test"], "fine_labels", 3, rng,
                 "meta", "fine_label_names", fine)
    ds100 = datasets.CIFAR100(str(tmp_path), train=False)
    assert len(ds100) == 3 and ds100.classes == fine and ds100.class_to_idx["f7"] == 7


def test_image_folder(tmp_path):
    rng = np.random.default_rng(3)
    for cls, n in (("dog", 2), ("cat", 3)):
        (tmp_path / cls).mkdir()
        for i in range(n):
            Image.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)).save(
                tmp_path / cls / f"{i}.png")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 5 and ds.targets == [0, 0, 0, 1, 1] and ds.imgs == ds.samples
    img, target = ds[4]
    assert img.mode == "RGB" and img.size == (6, 5) and target == 1
    only_zero = datasets.ImageFolder(str(tmp_path), is_valid_file=lambda p: p.endswith("0.png"))
    assert len(only_zero) == 2
    txt = datasets.DatasetFolder(str(tmp_path), loader=lambda p: open(p).read(),
                                 extensions=(".txt",), allow_empty=True)
    assert len(txt) == 1 and txt[0] == ("not an image", 0)


def test_fake_data_is_deterministic():
    ds = datasets.FakeData(size=4, image_size=(3, 8, 8), num_classes=5,
                           transform=T.ToTensor())
    x, y = ds[1]
    x2, y2 = ds[1]
    assert x.shape == (3, 8, 8) and 0 <= y < 5 and y == y2
    assert bool((x == x2).all()) and len(ds) == 4
    with pytest.raises(IndexError):
        ds[4]


def test_digits_embedded():
    train, test = datasets.Digits(), datasets.Digits(train=False)
    assert len(train) == 1437 and len(test) == 360
    assert train.data.shape == (1437, 8, 8) and int(train.data.max()) == 16
    img, label = train[0]
    assert img.mode == "L" and img.size == (8, 8) and label == 0
    counts = np.bincount(np.concatenate([train.targets.numpy(), test.targets.numpy()]))
    assert counts.sum() == 1797 and len(counts) == 10 and counts.min() >= 170
    x, _ = datasets.Digits(transform=T.ToTensor())[0]
    assert x.shape == (1, 8, 8)
    assert float(x.max()) == pytest.approx(int(train.data[0].max()) * 255 // 16 / 255)


@pytest.fixture(scope="module")
def real_mnist():
    if not os.path.exists(os.path.join(SHARED, "MNIST", "raw", "train-images-idx3-ubyte.gz")):
        pytest.skip("real MNIST not present in ../shared/data")
    return datasets.MNIST(SHARED), datasets.MNIST(SHARED, train=False)


def test_real_mnist(real_mnist):
    train, test = real_mnist
    assert len(train) == 60000 and len(test) == 10000
    assert train.data.shape == (60000, 28, 28)
    assert [train[i][1] for i in range(5)] == [5, 0, 4, 1, 9]
    assert test[0][1] == 7
    # hashed a block at a time (whole, the file and the copies cost the worker 120 MB)
    file_digest = hashlib.md5()
    with gzip.open(os.path.join(SHARED, "MNIST", "raw", "train-images-idx3-ubyte.gz")) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            file_digest.update(block)
    assert file_digest.hexdigest() == "6bbc9ace898e44ae57da46a324031adb"
    header = bytes([0, 0, 8, 3]) + b"".join(d.to_bytes(4, "big") for d in (60000, 28, 28))
    digest = hashlib.md5(header)
    digest.update(train.data.numpy())
    assert digest.hexdigest() == "6bbc9ace898e44ae57da46a324031adb"
