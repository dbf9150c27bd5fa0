"""``torch.nn.utils.rnn``: packed sequences and padding helpers.

A packed sequence stores the valid time steps of a batch of sorted (longest first) sequences
time-major: step 0 of every sequence, then step 1 of those still running, ...  Every
conversion here is a single gather / scatter with a flat index computed once on the host
(``_packed_rows``), never a loop over batch items.
"""
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ... import _dtype as D, _errors
from ..._tensor import Tensor, _make
from ..._ops import creation, indexing, shape as _shape
from ..._ops._core import needs_grad, record
from ...autograd.graph import node_class

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """Holds the data and ``batch_sizes`` of a packed sequence (made by the pack functions)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise _errors.packed_sequence_data()
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise _errors.packed_batch_sizes_device()
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = lambda t: None if t is None else t.to(data.device)  # noqa: E731
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cuda(self, *args, **kwargs):
        return self.to(*args, **kwargs) if args or "device" in kwargs else self.to("cuda")

    def cpu(self):
        return self.to("cpu")

    def pin_memory(self):
        return self

    def is_pinned(self):
        return False

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)


def invert_permutation(permutation):
    if permutation is None:
        return None
    inv = np.empty(permutation.numel(), np.int64)
    inv[permutation.cpu().numpy()] = np.arange(inv.size)
    return creation.tensor(inv, device=permutation.device)


def _packed_rows(batch_sizes, batch, steps, batch_first):
    """Flat row (in the padded tensor viewed as ``(steps * batch, *)``) of each packed row."""
    t, b = np.nonzero(np.arange(batch) < batch_sizes[:, None])
    return b * steps + t if batch_first else t * batch + b


def _scatter_rows(data, rows, nrows, fill):
    """A ``(nrows, *)`` tensor of ``fill`` whose ``rows`` hold ``data`` (differentiable)."""
    out = creation.full((nrows,) + tuple(data.shape[1:]), fill, dtype=data.dtype,
                        device=data.device)
    return indexing.index_put(out, (creation.tensor(rows, device=data.device),), data)


def _pack_backward(node, g):
    rows, shape = node._args
    return (_scatter_rows(g, rows, shape[0] * shape[1], 0).reshape(shape),)


PackPaddedSequenceBackward0 = node_class("PackPaddedSequenceBackward0", _pack_backward)


def _check_lengths(lengths, batch, enforce_sorted):
    if lengths.dim() != 1 or lengths.device.type != "cpu":
        raise _errors.pack_lengths_type(lengths)
    lens = lengths.numpy()
    if len(lens) != batch:
        raise _errors.pack_lengths_batch(len(lens), batch)
    if enforce_sorted and np.any(lens[1:] > lens[:-1]):
        raise _errors.pack_lengths_unsorted()
    if len(lens) and lens[-1] <= 0:
        raise _errors.pack_lengths_positive()
    return lens


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded ``(T, B, *)`` (or ``(B, T, *)``) batch of variable-length sequences."""
    if not isinstance(lengths, Tensor):
        lengths = creation.as_tensor(lengths, dtype=D.int64, device="cpu")
    else:
        lengths = lengths.to(dtype=D.int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = lengths.sort(descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    shape = tuple(input.shape)
    batch, steps = (shape[0], shape[1]) if batch_first else (shape[1], shape[0])
    lens = _check_lengths(lengths, batch, enforce_sorted)
    batch_sizes = (lens[None, :] > np.arange(min(steps, int(lens[0])))[:, None]).sum(1)
    rows = _packed_rows(batch_sizes, batch, steps, batch_first)
    flat = input._data.reshape((steps * batch,) + shape[2:])
    data = _make(flat[rows], input._dtype, input._device)
    if needs_grad(input):
        record(data, PackPaddedSequenceBackward0, (input,), (), (rows, shape))
    return PackedSequence(data, creation.tensor(batch_sizes.astype(np.int64), device="cpu"),
                          sorted_indices,
                          None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of :func:`pack_padded_sequence`: returns ``(padded, lengths)``."""
    bs = sequence.batch_sizes.numpy()
    steps = len(bs)
    if total_length is not None:
        if total_length < steps:
            raise _errors.pad_total_length(total_length, steps)
        steps = total_length
    batch = int(bs[0])
    data = sequence.data
    rows = _packed_rows(bs, batch, steps, batch_first)
    padded = _scatter_rows(data, rows, steps * batch, padding_value)
    padded = padded.reshape(((batch, steps) if batch_first else (steps, batch))
                            + tuple(data.shape[1:]))
    lengths = creation.tensor((bs[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64),
                              device="cpu")
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        return (padded.index_select(0 if batch_first else 1, unsorted),
                lengths[unsorted.cpu()])
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length ``(L_i, *)`` tensors into one padded tensor."""
    if not isinstance(sequences, Iterable):
        raise _errors.pad_sequence_iterable(sequences)
    sequences = tuple(sequences)
    if not sequences:
        raise _errors.pad_sequence_empty()
    if padding_side not in ("left", "right"):
        raise _errors.pad_sequence_side(padding_side)
    trail = tuple(sequences[0].shape[1:])
    slots = [(s.shape[0],) + trail for s in sequences]
    for s, slot in zip(sequences, slots):
        _check_fits(tuple(s.shape), slot)
    lens = np.array([s.shape[0] for s in sequences], np.int64)
    batch, steps = len(lens), int(lens.max())
    b = np.repeat(np.arange(batch), lens)
    t = np.arange(b.size) - np.repeat(np.cumsum(lens) - lens, lens)
    if padding_side == "left":
        t = t + np.repeat(steps - lens, lens)
    rows = b * steps + t if batch_first else t * batch + b
    data = _shape.cat([s.expand(slot) for s, slot in zip(sequences, slots)]) \
        if len(sequences) > 1 else sequences[0]
    out = _scatter_rows(data, rows, batch * steps, padding_value)
    return out.reshape(((batch, steps) if batch_first else (steps, batch)) + trail)


def _check_fits(shape, slot):
    """Each sequence is copied into its ``(L_i, *trailing dims of the first)`` slot of the
    output, broadcasting as ``copy_`` does."""
    try:
        out = np.broadcast_shapes(slot, shape)
    except ValueError:
        raise _errors.broadcast_mismatch(slot, shape) from None
    if out != slot:
        raise _errors.output_broadcast_shape(slot, out)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences (trimmed to ``lengths``)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths.tolist())]


def pack_sequence(sequences, enforce_sorted=True):
    lengths = creation.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
