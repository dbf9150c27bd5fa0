"""``std_order``'s replays compiled by numba (the ``fast`` extra).

The same source as ``std_order``, loaded a second time as its own module whose replay
functions are replaced by their numba builds, so that they call one another compiled; they
run on int64 arrays instead of lists.  Importing this module raises ImportError without numba.
"""
import importlib.util
import sys

from numba import njit

from . import std_order

_REPLAYS = ("_log2", "_swap", "_adjust_heap", "_make_heap", "_pop_heap", "_heap_select",
            "_sort_heap", "_partition_pivot", "_linear_insert", "_insertion_sort", "std_sort",
            "std_partial_sort", "std_nth_element", "aten_quick_select")

_spec = importlib.util.spec_from_file_location(__name__ + "_source", std_order.__file__)
_source = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _source      # numba's cache finds the functions' module by name
_spec.loader.exec_module(_source)
for _name in _REPLAYS:
    setattr(_source, _name, njit(cache=True, nogil=True)(getattr(_source, _name)))

std_sort = _source.std_sort
std_partial_sort = _source.std_partial_sort
std_nth_element = _source.std_nth_element
aten_quick_select = _source.aten_quick_select
