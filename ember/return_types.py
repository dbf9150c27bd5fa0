"""``torch.return_types``: the named tuples returned by multi-output reductions
(``max(dim)``, ``sort``, ``topk``...), printing like PyTorch's structseqs."""
from collections import namedtuple

__all__ = ["max", "min", "median", "nanmedian", "mode", "kthvalue", "topk", "sort", "cummax",
           "cummin", "aminmax", "histogram", "histogramdd"]


def _structseq(name, fields=("values", "indices")):
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": __name__})
    cls.n_fields = cls.n_sequence_fields = len(fields)
    return cls


max = _structseq("max")  # noqa: A001
min = _structseq("min")  # noqa: A001
median = _structseq("median")
nanmedian = _structseq("nanmedian")
mode = _structseq("mode")
kthvalue = _structseq("kthvalue")
topk = _structseq("topk")
sort = _structseq("sort")
cummax = _structseq("cummax")
cummin = _structseq("cummin")
aminmax = _structseq("aminmax", ("min", "max"))
histogram = _structseq("histogram", ("hist", "bin_edges"))
histogramdd = _structseq("histogramdd", ("hist", "bin_edges"))
