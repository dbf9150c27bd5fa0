"""``torch.functional``: the same names as torch's, each the top-level function itself."""
import pytest

import ember

torch = pytest.importorskip("torch")


def test_names_and_identity_as_torch():
    assert sorted(ember.functional.__all__) == sorted(torch.functional.__all__)
    for name in ember.functional.__all__:
        assert getattr(ember.functional, name) is getattr(ember, name)
        assert getattr(torch.functional, name) is getattr(torch, name)
    with pytest.raises(AttributeError):
        ember.functional.not_a_function  # noqa: B018
