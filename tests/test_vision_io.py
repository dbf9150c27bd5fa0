"""ember.vision.io: images through Pillow, in torchvision.io's layout ([C, H, W] uint8) and
with its errors (torchvision's compiled codecs cannot load beside the CPU torch, so Pillow's
own decoding is the reference; torchvision's encoder gives Pillow's bytes for the same
quality)."""
import io

import numpy as np
import pytest

import ember
from ember.vision import io as eio

Image = pytest.importorskip("PIL.Image")


def _image(mode, size=(7, 5), seed=0):
    bands = len(Image.new(mode, (1, 1)).getbands())
    arr = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    return Image.fromarray(arr[:, :, 0] if bands == 1 else arr, mode)


def _chw(img):
    arr = np.asarray(img)
    return (arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)).astype(arr.dtype)


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "P"])
def test_png_round_trip_and_modes(tmp_path, mode):
    img = _image(mode if mode != "P" else "L")
    img = img.convert("P") if mode == "P" else img
    path = tmp_path / "x.png"
    img.save(path)
    got = eio.read_image(path)
    assert got.dtype == ember.uint8
    expected = _chw(img.convert("RGB") if mode == "P" else img)
    np.testing.assert_array_equal(got.numpy(), expected)
    for read_mode, pil_mode in [(eio.ImageReadMode.GRAY, "L"), (eio.ImageReadMode.RGB, "RGB"),
                                ("RGB_ALPHA", "RGBA"), (eio.ImageReadMode.GRAY_ALPHA, "LA")]:
        np.testing.assert_array_equal(eio.read_image(str(path), read_mode).numpy(),
                                      _chw(img.convert(pil_mode)))


def test_sixteen_bit_png_decodes_to_uint16(tmp_path):
    arr = np.random.default_rng(1).integers(0, 65535, (4, 6), dtype=np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(arr).save(path)
    got = eio.decode_png(eio.read_file(path))
    assert got.dtype == ember.uint16 and got.shape == (1, 4, 6)
    np.testing.assert_array_equal(got.numpy()[0], arr)


def test_encode_decode_and_files(tmp_path):
    img = _image("RGB", (9, 6), seed=2)
    chw = ember.from_numpy(_chw(img).copy())
    png = eio.encode_png(chw, compression_level=9)
    assert png.dtype == ember.uint8 and png.dim() == 1
    np.testing.assert_array_equal(eio.decode_png(png).numpy(), chw.numpy())
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    jpeg = eio.encode_jpeg(chw, quality=80)
    assert bytes(jpeg.numpy()) == buf.getvalue()      # Pillow's encoder, same settings
    decoded = eio.decode_jpeg(jpeg)
    np.testing.assert_array_equal(decoded.numpy(), _chw(Image.open(io.BytesIO(buf.getvalue()))))
    assert [t.shape for t in eio.decode_jpeg([jpeg, jpeg])] == [(3, 6, 9)] * 2
    eio.write_png(chw, str(tmp_path / "a.png"))
    eio.write_jpeg(chw, str(tmp_path / "a.jpg"), quality=90)
    np.testing.assert_array_equal(eio.read_image(tmp_path / "a.png").numpy(), chw.numpy())
    assert eio.decode_image(str(tmp_path / "a.jpg")).shape == (3, 6, 9)
    data = ember.tensor(list(b"Ember\x89\n"), dtype=ember.uint8)
    eio.write_file(str(tmp_path / "raw.bin"), data)
    assert (tmp_path / "raw.bin").read_bytes() == b"Ember\x89\n"
    assert eio.read_file(tmp_path / "raw.bin").tolist() == list(b"Ember\x89\n")


def test_exif_orientation_is_applied_on_request(tmp_path):
    img = _image("RGB", (4, 2), seed=3)
    exif = Image.Exif()
    exif[0x0112] = 6                        # rotate 90 degrees clockwise to display
    path = tmp_path / "rot.jpg"
    img.save(path, exif=exif, quality=95)
    assert eio.read_image(path).shape == (3, 2, 4)
    assert eio.read_image(path, apply_exif_orientation=True).shape == (3, 4, 2)


def test_errors_as_torchvision_words_them(tmp_path):
    rgb = ember.zeros(3, 4, 4, dtype=ember.uint8)
    cases = [
        (lambda: eio.encode_png(ember.zeros(3, 4, 4)), RuntimeError,
         "Input tensor dtype should be uint8"),
        (lambda: eio.encode_png(rgb, compression_level=10), RuntimeError,
         "Compression level should be between 0 and 9"),
        (lambda: eio.encode_png(ember.zeros(5, 4, 4, dtype=ember.uint8)), RuntimeError,
         "The number of channels should be 1 or 3, got: 5"),
        (lambda: eio.encode_jpeg(rgb, quality=101), ValueError,
         "Image quality should be a positive number between 1 and 100"),
        (lambda: eio.encode_jpeg(ember.zeros(1, 3, 4, 4, dtype=ember.uint8)), RuntimeError,
         "Input data should be a 3-dimensional tensor"),
        (lambda: eio.decode_png(ember.zeros((), dtype=ember.uint8)), RuntimeError,
         "Expected a non empty 1-dimensional tensor"),
        (lambda: eio.decode_png(eio.encode_jpeg(rgb)), RuntimeError, "Content is not png"),
        (lambda: eio.read_file(str(tmp_path / "tst")), RuntimeError,
         "No such file or directory"),
        (lambda: eio.decode_jpeg([]), ValueError, "Input list must contain at least one element"),
    ]
    for call, kind, text in cases:
        with pytest.raises(kind, match=text):
            call()
