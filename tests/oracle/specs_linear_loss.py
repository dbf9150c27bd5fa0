"""Oracle entries for ``F.linear_cross_entropy`` (a composite of linear and cross_entropy):
class indices and probabilities, bias, K-dimensional weights, class weights, reductions, label
smoothing, ignore_index, chunking options and torch's shape errors."""
from .spec import Case, OpSpec, T

X = T((6, 3))
W = T((4, 3))
Y = T((6,), dtype="int64", low=0, high=4, grad=False)
P = T((6, 4), low=0.0, high=1.0, grad=False)


def _lce(lib, *a, chunk=None, **k):
    if chunk is not None:
        k["options"] = lib.nn.LinearCrossEntropyOptions(batch_chunk_size=chunk)
    return lib.nn.functional.linear_cross_entropy(*a, **k)


SPECS = [
    OpSpec("nn.functional.linear_cross_entropy", [
        Case((X, W, Y)), Case((X, W, Y), {"linear_bias": T((4,)), "reduction": "sum"}),
        Case((T((3,)), W, T((), dtype="int64", low=0, high=4, grad=False))),
        Case((X, W, P), {"label_smoothing": 0.1}),
        Case((X, W, Y), {"weight": T((4,), low=0.5, high=2.0, grad=False),
                         "reduction": "none", "ignore_index": 2}),
        Case((X, T((4, 2, 3)), T((6, 2), dtype="int64", low=0, high=4, grad=False)),
             {"linear_bias": T((4, 2))}),
        Case((X, W, Y), {"chunk": 2}),
        Case((T((2, 3, 3)), W, Y), error=True), Case((X, T((4, 2)), Y), error=True),
        Case((X, T((3,)), Y), error=True), Case((X, W, Y), {"linear_bias": T((3,))}, error=True),
        Case((T((3,)), T((4, 2, 3)), Y), error=True),
        Case((X, W, P), {"ignore_index": 1}, error=True)],
        call=_lce, node_names=False),
    # torch's chunked reduction="none" path has no double backward (float64 runs take gradients
    # with create_graph=True)
    OpSpec("nn.functional.linear_cross_entropy", [
        Case((X, W, Y), {"chunk": 4, "reduction": "none"})], call=_lce, node_names=False,
        dtypes=("float32",)),
]
