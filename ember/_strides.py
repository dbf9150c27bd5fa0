"""Stride facts of an array (NumPy or CuPy): the order its axes lie in memory, and whether it is
dense.  Layout rules at every layer read them: memory formats (``_ops.memory_format``) and the
autograd graph's gradient layout contract, which imports nothing from ``_ops``."""


def axis_order(arr):
    """Axes from the outermost in memory to the innermost, as torch orders a new tensor's
    axes after ``arr``'s (its dense-stride inference): by decreasing stride, equal strides by
    decreasing size; a zero stride (a broadcast axis) is unordered against the others, so
    such an axis keeps its logical place."""
    strides, shape = arr.strides, arr.shape

    def outer(a, b):    # 1: axis a lies outside axis b, -1: inside, 0: unordered
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        return 1 if shape[a] > shape[b] else 0

    inner_first = list(range(arr.ndim - 1, -1, -1))
    for i in range(1, arr.ndim):        # an insertion sort that stops at unordered pairs
        j = i
        for k in range(i - 1, -1, -1):
            c = outer(inner_first[k], inner_first[j])
            if c > 0:
                inner_first[k], inner_first[j] = inner_first[j], inner_first[k]
                j = k
            elif c < 0:
                break
    return inner_first[::-1]


def dense(arr):
    """Whether ``arr`` is non-overlapping and dense: its elements fill a block of memory, each
    once (no broadcast axis, no gaps, no negative strides)."""
    expected = arr.itemsize
    for axis in reversed(axis_order(arr)):
        if arr.shape[axis] != 1:
            if arr.strides[axis] != expected:
                return False
            expected *= arr.shape[axis]
    return True
