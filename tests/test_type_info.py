"""ember.finfo / ember.iinfo against torch's."""
import pytest

import ember

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo(torch, name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    assert repr(e) == repr(t)
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, field) == getattr(t, field), field
        assert type(getattr(e, field)) is type(getattr(t, field)), field


def test_finfo_of_the_default_dtype(torch):
    assert repr(ember.finfo()) == repr(torch.finfo())
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.finfo().dtype == "float64"
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("name", INTS)
def test_iinfo(torch, name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert repr(e) == repr(t)
    assert (e.bits, e.max, e.min, e.dtype) == (t.bits, t.max, t.min, t.dtype)


@pytest.mark.parametrize("call", [lambda m: m.finfo(m.int32), lambda m: m.finfo(m.bool),
                                  lambda m: m.iinfo(m.float32), lambda m: m.iinfo(m.bool),
                                  lambda m: m.iinfo(m.complex64)])
def test_wrong_kind(torch, call):
    with pytest.raises(TypeError) as t:
        call(torch)
    with pytest.raises(TypeError) as e:
        call(ember)
    assert str(e.value) == str(t.value)



@pytest.mark.parametrize("call", [lambda m: m.finfo(float), lambda m: m.finfo(complex),
                                  lambda m: m.iinfo(int), lambda m: m.finfo(int),
                                  lambda m: m.iinfo(bool), lambda m: m.iinfo(float)])
def test_python_number_types(torch, call):
    """A Python number type stands for its dtype (float: float64, int: int64)."""
    results = []
    for lib in (ember, torch):
        try:
            results.append(repr(call(lib)))
        except TypeError as e:
            results.append(str(e))
    assert results[0] == results[1]
