"""SVHN, STL10, Flowers102, OxfordIIITPet, VOC, COCO and ImageNet read from small synthetic
files written in the official on-disk formats, compared item by item with real torchvision
0.28's data sets on the same files (checksums set to those files' md5s on both sides)."""
import json
import os
import tarfile

import numpy as np
import pytest

import ember
from ember.vision import datasets as ED
from ember.vision.datasets.utils import calculate_md5

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module", autouse=True)
def _scipy_io():
    """SciPy's .mat writer, imported when this file runs, not at collection: every xdist
    worker collects every file (13 MB each)."""
    pytest.importorskip("scipy.io")


def _savemat(path, data):
    import scipy.io
    scipy.io.savemat(path, data)


@pytest.fixture(scope="module")
def TD():
    from tests.oracle import torchvision_ref
    torchvision_ref.load()
    from torchvision import datasets
    return datasets


def as_plain(x):
    """PIL images as arrays, recursively, for comparing the two libraries' items."""
    if isinstance(x, Image.Image):
        return ("PIL", x.mode, np.asarray(x).tolist())
    if isinstance(x, (list, tuple)):
        return type(x)(as_plain(v) for v in x)
    if isinstance(x, dict):
        return {k: as_plain(v) for k, v in x.items()}
    return x


def same_items(ours, theirs):
    assert len(ours) == len(theirs)
    for i in range(len(theirs)):
        assert as_plain(ours[i]) == as_plain(theirs[i])


def save_jpg(path, rng, size=(6, 5)):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray((rng.uniform(size=size + (3,)) * 255).astype(np.uint8)).save(path)


def test_svhn(tmp_path, TD, monkeypatch):
    rng = np.random.default_rng(0)
    x = (rng.uniform(size=(32, 32, 3, 5)) * 255).astype(np.uint8)
    _savemat(tmp_path / "test_32x32.mat", {"X": x, "y": np.array([[1], [10], [3], [10],
                                                                            [7]])})
    md5 = calculate_md5(tmp_path / "test_32x32.mat")
    for cls in (ED.SVHN, TD.SVHN):
        monkeypatch.setitem(cls.split_list, "test", [cls.split_list["test"][0],
                                                     "test_32x32.mat", md5])
    ours, theirs = ED.SVHN(str(tmp_path), split="test"), TD.SVHN(str(tmp_path), split="test")
    same_items(ours, theirs)
    assert repr(ours) == repr(theirs)
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        ED.SVHN(str(tmp_path), split="train")
    with pytest.raises(ValueError, match="Unknown value 'dev' for argument split"):
        ED.SVHN(str(tmp_path), split="dev")


def test_stl10(tmp_path, TD, monkeypatch):
    rng = np.random.default_rng(1)
    base = tmp_path / "stl10_binary"
    base.mkdir()
    sizes = {"train": 4, "test": 3, "unlabeled": 2}
    for split, n in sizes.items():
        (rng.uniform(size=(n, 3, 96, 96)) * 255).astype(np.uint8).tofile(base / f"{split}_X.bin")
        if split != "unlabeled":
            rng.integers(1, 11, size=n).astype(np.uint8).tofile(base / f"{split}_y.bin")
    (base / "fold_indices.txt").write_text("0 2\n1 3\n" * 5)
    (base / "class_names.txt").write_text("\n".join(f"c{i}" for i in range(10)))
    for cls in (ED.STL10, TD.STL10):
        for attr in ("train_list", "test_list"):
            monkeypatch.setattr(cls, attr, [[name, calculate_md5(base / name)]
                                            for name, _ in getattr(cls, attr)])
    for split, folds in (("train", None), ("train", 1), ("test", None), ("unlabeled", None),
                         ("train+unlabeled", 0)):
        ours = ED.STL10(str(tmp_path), split=split, folds=folds)
        same_items(ours, TD.STL10(str(tmp_path), split=split, folds=folds))
        assert ours.classes == [f"c{i}" for i in range(10)]
    with pytest.raises(ValueError, match=r"range \[0, 10\), but got 10"):
        ED.STL10(str(tmp_path), folds=10)


def test_flowers102(tmp_path, TD, monkeypatch):
    rng = np.random.default_rng(2)
    base = tmp_path / "flowers-102"
    for i in range(1, 7):
        save_jpg(str(base / "jpg" / f"image_{i:05d}.jpg"), rng)
    _savemat(base / "imagelabels.mat", {"labels": np.array([[5, 1, 102, 7, 7, 3]])})
    _savemat(base / "setid.mat", {"trnid": np.array([[1, 4]]), "valid": np.array([[2, 6]]),
                                          "tstid": np.array([[3, 5]])})
    for cls in (ED.Flowers102, TD.Flowers102):
        monkeypatch.setattr(cls, "_file_dict", {**cls._file_dict, **{
            key: (name, calculate_md5(base / name))
            for key, name in (("label", "imagelabels.mat"), ("setid", "setid.mat"))}})
    for split in ("train", "val", "test"):
        same_items(ED.Flowers102(str(tmp_path), split), TD.Flowers102(str(tmp_path), split))
    assert ED.Flowers102.classes == TD.Flowers102.classes


def test_oxford_iiit_pet(tmp_path, TD):
    rng = np.random.default_rng(3)
    base = tmp_path / "oxford-iiit-pet"
    ids = [("Abyssinian_1", 1, 1), ("american_bulldog_10", 2, 2), ("Abyssinian_2", 1, 1)]
    for name, _, _ in ids:
        save_jpg(str(base / "images" / f"{name}.jpg"), rng)
        os.makedirs(base / "annotations" / "trimaps", exist_ok=True)
        Image.fromarray(rng.integers(1, 4, size=(6, 5)).astype(np.uint8)).save(
            base / "annotations" / "trimaps" / f"{name}.png")
    lines = "".join(f"{n} {c} {b} 1\n" for n, c, b in ids)
    (base / "annotations" / "trainval.txt").write_text(lines)
    (base / "annotations" / "test.txt").write_text(lines[:lines.index("\n") + 1])
    for split in ("trainval", "test"):
        for types in ("category", ["binary-category", "segmentation", "category"], []):
            ours = ED.OxfordIIITPet(str(tmp_path), split, target_types=types)
            theirs = TD.OxfordIIITPet(str(tmp_path), split, target_types=types)
            same_items(ours, theirs)
            assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx


VOC_XML = """<annotation><folder>VOC2012</folder><filename>{name}.jpg</filename>
<size><width>5</width><height>6</height><depth>3</depth></size>
<object><name>dog</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>4</xmax><ymax>5</ymax></bndbox>
<difficult>0</difficult></object>{extra}</annotation>"""


def test_voc(tmp_path, TD):
    rng = np.random.default_rng(4)
    voc = tmp_path / "VOCdevkit" / "VOC2012"
    names = ["2008_000001", "2008_000002"]
    for kind in ("Segmentation", "Main"):
        os.makedirs(voc / "ImageSets" / kind)
        (voc / "ImageSets" / kind / "train.txt").write_text("\n".join(names) + "\n")
    os.makedirs(voc / "SegmentationClass")
    os.makedirs(voc / "Annotations")
    extra = "<object><name>cat</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>2</xmax>" \
            "<ymax>3</ymax></bndbox></object>"
    for i, name in enumerate(names):
        save_jpg(str(voc / "JPEGImages" / f"{name}.jpg"), rng)
        mask = Image.fromarray(rng.integers(0, 21, size=(6, 5)).astype(np.uint8), mode="P")
        mask.save(voc / "SegmentationClass" / f"{name}.png")
        (voc / "Annotations" / f"{name}.xml").write_text(VOC_XML.format(name=name,
                                                                         extra=extra * i))
    same_items(ED.VOCSegmentation(str(tmp_path)), TD.VOCSegmentation(str(tmp_path)))
    same_items(ED.VOCDetection(str(tmp_path)), TD.VOCDetection(str(tmp_path)))
    with pytest.raises(RuntimeError, match="Dataset not found"):
        ED.VOCDetection(str(tmp_path), year="2007")


def test_coco(tmp_path):
    rng = np.random.default_rng(5)
    images = [{"id": 7, "file_name": "b.jpg"}, {"id": 3, "file_name": "a.jpg"}]
    anns = [{"id": 1, "image_id": 7, "bbox": [1, 1, 2, 2], "category_id": 1, "caption": "x"},
            {"id": 2, "image_id": 3, "bbox": [0, 0, 1, 3], "category_id": 2, "caption": "y"},
            {"id": 5, "image_id": 7, "bbox": [2, 0, 1, 1], "category_id": 2, "caption": "z"}]
    for img in images:
        save_jpg(str(tmp_path / img["file_name"]), rng)
    ann_file = tmp_path / "ann.json"
    ann_file.write_text(json.dumps({"images": images, "annotations": anns,
                                    "categories": [{"id": 1}, {"id": 2}]}))
    ds = ED.CocoDetection(str(tmp_path), str(ann_file))
    assert len(ds) == 2 and ds.ids == [3, 7]
    img, target = ds[1]
    expected = Image.open(tmp_path / "b.jpg").convert("RGB")
    assert np.array_equal(np.asarray(img), np.asarray(expected))
    assert target == [anns[0], anns[2]]
    assert ED.CocoCaptions(str(tmp_path), str(ann_file))[1][1] == ["x", "z"]
    with pytest.raises(ValueError, match="Index must be of type integer"):
        ds["0"]


def test_imagenet(tmp_path, TD):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    wnid_to_classes = {"n01": ("tench", "Tinca tinca"), "n02": ("goldfish",)}
    val_wnids = ["n02", "n01", "n02"]
    torch.save((wnid_to_classes, val_wnids), tmp_path / "meta.bin")
    for wnid in wnid_to_classes:
        for i in range(2):
            save_jpg(str(tmp_path / "train" / wnid / f"{wnid}_{i}.JPEG"), rng)
    val_dir = tmp_path / "valsrc"
    for i in range(3):
        save_jpg(str(val_dir / f"ILSVRC2012_val_{i:08d}.JPEG"), rng)
    with tarfile.open(tmp_path / "ILSVRC2012_img_val.tar", "w") as tar:
        for name in sorted(os.listdir(val_dir)):
            tar.add(val_dir / name, arcname=name)
    import ember.vision.datasets.imagenet as EI
    import torchvision.datasets.imagenet as TI
    md5 = calculate_md5(tmp_path / "ILSVRC2012_img_val.tar")
    ours = ED.ImageNet(str(tmp_path), "train")
    theirs = TD.ImageNet(str(tmp_path), "train")
    same_items(ours, theirs)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.wnids == theirs.wnids
    EI.ARCHIVE_META["val"] = ("ILSVRC2012_img_val.tar", md5)
    try:
        val = ED.ImageNet(str(tmp_path), "val")
    finally:
        EI.ARCHIVE_META["val"] = TI.ARCHIVE_META["val"]
    assert [os.path.basename(p) for p, _ in val.samples] == \
        ["ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00000000.JPEG",
         "ILSVRC2012_val_00000002.JPEG"]
    assert val.targets == [0, 1, 1]
    with pytest.raises(RuntimeError, match="The archive ILSVRC2012_devkit_t12.tar.gz is not"):
        ED.ImageNet(str(tmp_path / "missing"), "train")


def _devkit(root):
    """A tiny ILSVRC2012 devkit: meta.mat (synsets, one non-leaf) and the val ground truth."""
    devkit = root / "src" / "ILSVRC2012_devkit_t12" / "data"
    devkit.mkdir(parents=True)
    fields = [("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("gloss", "O"),
              ("num_children", "O")]
    synsets = np.array([(1, "n01", "tench, Tinca tinca", "a fish", 0),
                        (2, "n02", "goldfish", "a fish", 0),
                        (3, "n99", "fish", "fishes", 2)], dtype=fields)
    _savemat(devkit / "meta.mat", {"synsets": synsets})
    (devkit / "ILSVRC2012_validation_ground_truth.txt").write_text("2\n1\n2\n")
    with tarfile.open(root / "ILSVRC2012_devkit_t12.tar.gz", "w:gz") as tar:
        tar.add(root / "src" / "ILSVRC2012_devkit_t12", arcname="ILSVRC2012_devkit_t12")
    return calculate_md5(root / "ILSVRC2012_devkit_t12.tar.gz")


def test_imagenet_devkit(tmp_path, TD, monkeypatch):
    torch = pytest.importorskip("torch")
    import ember.vision.datasets.imagenet as EI
    import torchvision.datasets.imagenet as TI
    md5 = _devkit(tmp_path)
    for module, out in ((EI, "ours"), (TI, "theirs")):
        monkeypatch.setitem(module.ARCHIVE_META, "devkit", ("ILSVRC2012_devkit_t12.tar.gz", md5))
        (tmp_path / out).mkdir()
        os.replace(tmp_path / "ILSVRC2012_devkit_t12.tar.gz",
                   tmp_path / out / "ILSVRC2012_devkit_t12.tar.gz")
        module.parse_devkit_archive(str(tmp_path / out))
        os.replace(tmp_path / out / "ILSVRC2012_devkit_t12.tar.gz",
                   tmp_path / "ILSVRC2012_devkit_t12.tar.gz")
    ours = torch.load(tmp_path / "ours" / "meta.bin", weights_only=True)
    theirs = torch.load(tmp_path / "theirs" / "meta.bin", weights_only=True)
    assert ours == theirs == ({"n01": ("tench", "Tinca tinca"), "n02": ("goldfish",)},
                              ["n02", "n01", "n02"])
