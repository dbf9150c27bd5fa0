"""The order PyTorch's CPU kernels leave equal elements in.

``torch.sort(stable=False)``, ``topk`` and ``kthvalue`` on the CPU run the C++ standard
library's unstable algorithms (GCC's libstdc++ introsort, heap-based ``partial_sort``,
introselect ``nth_element``) or ATen's own median-of-three quickselect.  Values come out the
same as any sort's; the *indices* of equal values depend on the exact sequence of swaps.  The
functions here replay those algorithms step by step on one row, so the permutation matches.

They work on integer *ranks* counted along the requested order (equal values share a rank;
NaN counts as the largest value, as in PyTorch's comparators), so a comparison is one integer
``<`` whichever the direction.
Each takes ``r`` (ranks) and ``p`` (the permutation being built, ``0..n-1`` on entry) as
mutable sequences and permutes both in place.  The code is plain loops over indexable
sequences so that it runs as Python on lists and, unchanged, under numba on arrays.
"""

import sys

from . import jit

_THRESHOLD = 16     # libstdc++'s _S_threshold: shorter ranges are left to insertion sort


def _log2(n):
    k = 0
    while n > 1:
        n >>= 1
        k += 1
    return k


def _swap(r, p, i, j):
    r[i], r[j] = r[j], r[i]
    p[i], p[j] = p[j], p[i]


def _adjust_heap(r, p, first, hole, length, val, vix):
    """Sift the hole at ``hole`` down to a leaf, then push ``val`` back up (std::__adjust_heap)."""
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if r[first + child] < r[first + child - 1]:
            child -= 1
        r[first + hole] = r[first + child]
        p[first + hole] = p[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        r[first + hole] = r[first + child - 1]
        p[first + hole] = p[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and r[first + parent] < val:
        r[first + hole] = r[first + parent]
        p[first + hole] = p[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    r[first + hole] = val
    p[first + hole] = vix


def _make_heap(r, p, first, last):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(r, p, first, parent, length, r[first + parent], p[first + parent])
        if parent == 0:
            return
        parent -= 1


def _pop_heap(r, p, first, last, result):
    val = r[result]
    vix = p[result]
    r[result] = r[first]
    p[result] = p[first]
    _adjust_heap(r, p, first, 0, last - first, val, vix)


def _heap_select(r, p, first, middle, last):
    _make_heap(r, p, first, middle)
    for i in range(middle, last):
        if r[i] < r[first]:
            _pop_heap(r, p, first, middle, i)


def _sort_heap(r, p, first, last):
    while last - first > 1:
        last -= 1
        _pop_heap(r, p, first, last, last)


def _partition_pivot(r, p, first, last):
    """Median of three moved to ``first``, then Hoare's unguarded partition around it."""
    a = first + 1
    b = first + (last - first) // 2
    c = last - 1
    if r[a] < r[b]:
        median = b if r[b] < r[c] else (c if r[a] < r[c] else a)
    else:
        median = a if r[a] < r[c] else (c if r[b] < r[c] else b)
    _swap(r, p, first, median)
    lo = first + 1
    hi = last
    pivot = r[first]
    while True:
        while r[lo] < pivot:
            lo += 1
        hi -= 1
        while pivot < r[hi]:
            hi -= 1
        if not lo < hi:
            return lo
        _swap(r, p, lo, hi)
        lo += 1


def _linear_insert(r, p, i):
    val = r[i]
    vix = p[i]
    j = i - 1
    while val < r[j]:
        r[i] = r[j]
        p[i] = p[j]
        i = j
        j -= 1
    r[i] = val
    p[i] = vix


def _insertion_sort(r, p, first, last):
    for i in range(first + 1, last):
        if r[i] < r[first]:
            val = r[i]
            vix = p[i]
            for j in range(i, first, -1):
                r[j] = r[j - 1]
                p[j] = p[j - 1]
            r[first] = val
            p[first] = vix
        else:
            _linear_insert(r, p, i)


def std_sort(r, p, first, last):
    """std::sort on ``[first, last)``: introsort loop, then the final insertion sort."""
    if last - first < 2:
        return
    stack = [(first, last, 2 * _log2(last - first))]
    while stack:
        lo, hi, depth = stack.pop()
        while hi - lo > _THRESHOLD:
            if depth == 0:
                _heap_select(r, p, lo, hi, hi)
                _sort_heap(r, p, lo, hi)
                break
            depth -= 1
            cut = _partition_pivot(r, p, lo, hi)
            stack.append((cut, hi, depth))
            hi = cut
        # libstdc++ recurses into the right part before looping on the left; the parts are
        # disjoint, so finishing the left first gives the same result.
    if last - first > _THRESHOLD:
        _insertion_sort(r, p, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(r, p, i)
    else:
        _insertion_sort(r, p, first, last)


def std_partial_sort(r, p, k):
    """std::partial_sort of the first ``k`` positions: heap select, then heap sort."""
    n = len(r)
    _heap_select(r, p, 0, k, n)
    _sort_heap(r, p, 0, k)


def std_nth_element(r, p, nth):
    """std::nth_element (introselect) placing the element of rank order ``nth``."""
    first = 0
    last = len(r)
    if nth == last:
        return
    depth = 2 * _log2(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(r, p, first, nth + 1, last)
            _swap(r, p, first, nth)
            return
        depth -= 1
        cut = _partition_pivot(r, p, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(r, p, first, last)


def aten_quick_select(r, p, k):
    """ATen's own quickselect (kthvalue): median of three, then a Hoare partition."""
    lo = 0
    hi = len(r) - 1
    while True:
        if hi <= lo:
            return
        if hi == lo + 1:
            if r[lo] > r[hi]:
                _swap(r, p, lo, hi)
            return
        mid = lo + (hi - lo) // 2
        _swap(r, p, mid, lo + 1)
        if r[lo + 1] > r[hi]:
            _swap(r, p, lo + 1, hi)
        if r[lo] > r[hi]:
            _swap(r, p, lo, hi)
        if r[lo + 1] > r[lo]:
            _swap(r, p, lo + 1, lo)
        i = lo + 1
        j = hi
        pivot = r[lo]
        while True:
            i += 1
            while pivot > r[i]:
                i += 1
            j -= 1
            while r[j] > pivot:
                j -= 1
            if j < i:
                break
            _swap(r, p, i, j)
        _swap(r, p, lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


# ---- rows of a host array ------------------------------------------------------------------
# Python replays cost a few microseconds per element: they run while the rows that need them
# hold at most this many elements in one call.  Larger calls run numba's builds of the same
# functions (``jit_order``, the ``fast`` extra; its first use in a process costs about a second
# of loading) or, without numba, keep the stable order: one of the orders the unstable
# algorithms may produce, so the values and the set of indices are still PyTorch's.
PYTHON_BUDGET = 1 << 15


def _ties(x, order, xp):
    """The (rows, n - 1) mask of neighbours equal in sorted order (NaN equals NaN), for ``x``
    (rows, n) and its stable sort ``order`` in either direction."""
    sv = xp.take_along_axis(x, order, 1)
    eq = sv[:, 1:] == sv[:, :-1]
    if sv.dtype.kind in "fc":
        eq |= xp.isnan(sv[:, 1:]) & xp.isnan(sv[:, :-1])
    return eq


def _replay_rows(rows, order, eq, xp, replay):
    """Run ``replay(module, r, p)`` on each row in ``rows`` (ranks ``r`` of the row's elements
    along ``order``, permutation ``p`` starting as ``0..n-1``) and return the permutations.
    Python replays run while the rows hold at most ``PYTHON_BUDGET`` elements; past that,
    numba's builds (``jit_order``), or nothing when numba is absent (``{}``)."""
    n = order.shape[1]
    if len(rows) * n <= PYTHON_BUDGET:
        run, as_arrays = sys.modules[__name__], False
    else:
        run, as_arrays = jit.load("jit_order"), True
        if run is None:
            return {}
    done = {}
    for i in rows.tolist():
        steps = xp.concatenate([xp.zeros(1, dtype="int64"), xp.cumsum(~eq[i], dtype="int64")])
        r = xp.empty(n, dtype="int64")
        r[order[i]] = steps
        p = xp.arange(n, dtype="int64")
        if not as_arrays:
            r, p = r.tolist(), p.tolist()
        replay(run, r, p)
        done[i] = p
    return done


def sort_order(x, order, xp):
    """std::sort's permutation for each row of ``x`` (rows, n), given its stable ``order``."""
    if x.shape[1] <= _THRESHOLD:    # insertion sort only: stable
        return order
    eq = _ties(x, order, xp)
    rows = xp.nonzero(eq.any(axis=1))[0]
    if len(rows):
        n = x.shape[1]
        for i, p in _replay_rows(rows, order, eq, xp,
                                 lambda run, r, p: run.std_sort(r, p, 0, n)).items():
            order[i] = p
    return order


def topk_order(x, order, k, sort_result, xp):
    """``order`` (the stable order in the requested direction) whose first ``k`` columns are
    what ATen's CPU top-k picks for each row: ``partial_sort`` when ``64 k <= n``, else
    ``nth_element`` and, if sorted output is asked for, ``sort`` of the first ``k - 1``."""
    if k == 0:
        return order
    partial = k * 64 <= x.shape[1]
    eq = _ties(x, order, xp)
    if partial or sort_result:
        rows = xp.nonzero(eq[:, :k].any(axis=1))[0]
    else:                           # nth_element leaves the first k unordered
        rows = xp.arange(len(x))

    def replay(run, r, p):
        if partial:
            run.std_partial_sort(r, p, k)
        else:
            run.std_nth_element(r, p, k - 1)
            if sort_result:
                run.std_sort(r, p, 0, k - 1)
    for i, p in _replay_rows(rows, order, eq, xp, replay).items():
        order[i, :k] = p[:k]
    return order


def kth_order(x, order, pos, xp):
    """``order`` whose column ``pos`` holds the index ATen's quickselect leaves there."""
    eq = _ties(x, order, xp)
    tied = xp.zeros(len(x), dtype=bool)
    if pos > 0:
        tied |= eq[:, pos - 1]
    if pos < x.shape[1] - 1:
        tied |= eq[:, pos]
    rows = xp.nonzero(tied)[0]
    for i, p in _replay_rows(rows, order, eq, xp,
                             lambda run, r, p: run.aten_quick_select(r, p, pos)).items():
        order[i, pos] = p[pos]
    return order
