"""The test commands' selections (tests/conftest.py, docs/testing.md): ``-m slow`` collects only
the files that spell ``mark.slow``, so every slow test's file must."""
from tests import conftest


def test_every_slow_test_is_in_a_file_that_spells_its_mark():
    # filled while this run deselected slow tests (the quick tier deselects all of them)
    assert not conftest.UNSPELLED_SLOW, \
        f"spell `{conftest._SLOW}` in these files, or `-m slow` skips them: " \
        f"{sorted(conftest.UNSPELLED_SLOW)}"
