"""``torch.nested``: tensors of a batch of components whose sizes differ (docs/nested.md).

``nested_tensor`` / ``as_nested_tensor`` / ``nested_tensor_from_jagged`` / ``narrow`` /
``masked_select`` build them in the jagged layout (one ragged dimension, values + offsets) or
the strided one (any ragged dimensions, a flat buffer + shapes); ``to_padded_tensor`` and
``unbind`` take them back to dense tensors.  Ops reach ``_ops`` through
``NestedTensor.__torch_function__``; loaded on first use of ``ember.nested``.
"""
from .. import _dtype as D
from .. import _errors
from .._layout import jagged, strided
from .._tensor import Tensor
from .. import _ops as O
from ._tensor import (NestedTensor, from_components, jagged_to_padded, new_jagged, padded_length,
                      strided_to_padded)

__all__ = ["nested_tensor", "as_nested_tensor", "nested_tensor_from_jagged", "narrow",
           "to_padded_tensor", "masked_select"]


def _check_layout(layout):
    layout = strided if layout is None else layout
    if layout is not strided and layout is not jagged:
        raise _errors.nested_layout_unsupported(layout)
    return layout


def nested_tensor(tensor_list, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """A nested tensor leaf holding copies of ``tensor_list`` (tensors or nested lists of
    numbers)."""
    layout = _check_layout(layout)
    if requires_grad and dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise _errors.nested_grad_dtype(layout)
    parts = [O.creation.tensor(t.detach() if isinstance(t, Tensor) else t, dtype=dtype,
                               device=device) for t in tensor_list]
    if requires_grad and parts and not (parts[0].is_floating_point() or parts[0].is_complex()):
        raise _errors.nested_grad_dtype(layout)
    nt = from_components(parts, layout)
    if layout is strided and not parts and dtype is not None:
        nt = nt.to(dtype)
    return nt.requires_grad_(requires_grad) if requires_grad else nt


def as_nested_tensor(ts, dtype=None, device=None, layout=None):
    """A nested tensor of ``ts`` (a list of tensors, or a tensor's first-dimension slices)
    keeping their autograd history."""
    if isinstance(ts, NestedTensor):
        if _check_layout(layout) is not ts.layout:
            raise _errors.nested_convert_layout()
        return ts.to(dtype=dtype, device=device) if dtype or device else ts
    if isinstance(ts, Tensor):
        ts = ts.unbind(0)
    elif not isinstance(ts, (list, tuple)) or not all(isinstance(t, Tensor) for t in ts):
        raise _errors.nested_as_nested_input()
    parts = [t.to(dtype=dtype, device=device) if dtype or device else t for t in ts]
    return from_components(parts, _check_layout(layout))


def nested_tensor_from_jagged(values, offsets=None, lengths=None, jagged_dim=None,
                              min_seqlen=None, max_seqlen=None):
    """A jagged view of ``values``: component ``i`` is ``values[offsets[i]:offsets[i] +
    lengths[i]]`` along ``jagged_dim - 1`` (lengths default to the offsets' differences)."""
    if offsets is None:
        if lengths is None:
            raise _errors.nested_from_jagged_no_offsets()
        offsets = O.shape.cat([lengths.new_zeros(1), O.scan.cumsum(lengths, 0)])
        lengths = None
    jagged_dim = 1 if jagged_dim is None else jagged_dim
    if jagged_dim < 1:
        raise _errors.nested_jagged_dim_arg(jagged_dim)
    return new_jagged(values, offsets, lengths, jagged_dim, max_seqlen)


def narrow(tensor, dim, start, length, layout=strided):
    """The narrowing of each row of ``tensor`` along ``dim`` (``start`` / ``length`` ints or
    one per row) as a nested tensor: strided copies (``dim=0`` only) or a jagged view."""
    if _check_layout(layout) is strided:
        if dim != 0:
            raise _errors.nested_narrow_strided_dim(dim)
        if isinstance(start, Tensor) or isinstance(length, Tensor):
            raise _errors.nested_narrow_strided_ints()
        return from_components(list(tensor.narrow(dim, start, length).unbind(0)), strided)
    if dim != 1:
        raise _errors.nested_narrow_jagged_dim()
    batch, width = tensor.shape[0], tensor.shape[1]
    rows = O.creation.arange(batch, device=tensor.device) * width
    starts = rows + start
    lengths = length if isinstance(length, Tensor) else O.creation.full(
        (batch,), length, dtype=D.int64, device=tensor.device)
    offsets = O.shape.cat([starts, (starts[-1:] + lengths[-1:])])
    return new_jagged(tensor.reshape(batch * width, *tensor.shape[2:]), offsets, lengths)


def to_padded_tensor(input, padding, output_size=None, out=None):
    """The dense form of ``input``: each component at the start of its row, ``padding``
    elsewhere (jagged: ``output_size`` sets only the ragged dimension's size)."""
    if not isinstance(input, NestedTensor):
        raise _errors.sparse_backend_not_implemented("to_padded_tensor", "CPU")
    if input._offsets_t is None:
        result = strided_to_padded(input, padding, output_size)
    else:
        if input._lengths_t is not None:
            raise _errors.nested_padded_holes()
        size = padded_length(input) if output_size is None else output_size[input._ragged_idx]
        result = jagged_to_padded(input, padding, size)
    return result if out is None else out.copy_(result)


def masked_select(tensor, mask):
    """The elements of each row of ``tensor`` where ``mask`` holds, as a jagged tensor."""
    mask = mask.expand_as(tensor)
    values = tensor.masked_select(mask)
    counts = mask.reshape(-1, mask.shape[-1]).sum(-1)
    return new_jagged(values, O.shape.cat([counts.new_zeros(1), O.scan.cumsum(counts, 0)]))

