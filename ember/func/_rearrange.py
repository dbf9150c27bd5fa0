"""``torch.func.rearrange``: einops' ``rearrange`` patterns (``"b c (h w) -> b h w c"``) as one
reshape, one permute and one reshape.

Each side of the pattern is a list of dims; a dim is a name, a parenthesised group of names
(merged into one dim), ``...`` (the dims no name covers, once per side; on the right it may
be merged in a group too), or ``1`` / ``()`` (a dim of size 1).  Names appear on both sides or not at all.  The sizes of names inside a
group on the left come from ``axes_lengths`` or, for at most one of them, from the dim they
split.  A list or tuple of tensors is stacked along a new first dim first.
"""
import math
import re

from .. import _errors

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|1|\S")
_ELLIPSIS = "..."


def _parse(side):
    """The dims of one side: lists of names (a name alone is a one-name group; ``[]`` a unit)."""
    dims, group = [], None
    for token in _TOKEN.findall(side):
        if token == "(":
            if group is not None:
                raise _errors.rearrange_pattern(side, "nested parentheses")
            group = []
        elif token == ")":
            if group is None:
                raise _errors.rearrange_pattern(side, "unbalanced parentheses")
            dims.append(group)
            group = None
        elif token == "1":
            if group is None:       # a unit dim (inside a group, a factor of one)
                dims.append([])
        elif token == _ELLIPSIS or token[0].isalpha() or token[0] == "_":
            if group is None:
                dims.append([token])
            else:
                group.append(token)
        else:
            raise _errors.rearrange_pattern(side, f"unexpected character {token!r}")
    if group is not None:
        raise _errors.rearrange_pattern(side, "unbalanced parentheses")
    return dims


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split the dims of ``tensor`` as ``pattern`` describes."""
    from .._ops.shape import stack
    if isinstance(tensor, (list, tuple)):
        tensor = stack(list(tensor))
    left_side, arrow, right_side = pattern.partition("->")
    if not arrow:
        raise _errors.rearrange_pattern(pattern, "no '->'")
    left, right = _parse(left_side), _parse(right_side)
    names_left = [n for d in left for n in d]
    names_right = [n for d in right for n in d]
    for names, side in ((names_left, left_side), (names_right, right_side)):
        if len(set(names)) != len(names):
            raise _errors.rearrange_pattern(side, "a name appears twice")
    if set(names_left) != set(names_right):
        raise _errors.rearrange_names(set(names_left) ^ set(names_right))
    sizes = _bind(left, tensor.shape, axes_lengths)
    elementary = [n for d in left for n in d]
    order = [elementary.index(n) for d in right for n in d]
    shape = [s for n in elementary for s in sizes[n]]
    flat_order = [j for i in order for j in _span(elementary, sizes, i)]
    moved = tensor.reshape(shape).permute(flat_order)
    out = []
    for d in right:
        if d == [_ELLIPSIS]:
            out.extend(sizes[_ELLIPSIS])
        else:
            out.append(math.prod(math.prod(sizes[n]) for n in d))
    return moved.reshape(out)


def _span(elementary, sizes, i):
    """The positions, in the fully split shape, of elementary dim ``i`` (``...`` spans many)."""
    start = sum(len(sizes[n]) for n in elementary[:i])
    return range(start, start + len(sizes[elementary[i]]))


def _bind(left, shape, axes_lengths):
    """{name: tuple of sizes} (``...`` maps to the sizes it covers, names to one size)."""
    ellipses = sum(d == [_ELLIPSIS] for d in left)
    if ellipses > 1:
        raise _errors.rearrange_pattern("", "'...' twice on one side")
    if len(left) - ellipses > len(shape) or (not ellipses and len(left) != len(shape)):
        raise _errors.rearrange_rank(len(shape), len(left))
    sizes = {}
    dims = iter(shape)
    for d in left:
        if _ELLIPSIS in d and d != [_ELLIPSIS]:
            raise _errors.rearrange_pattern("", "'...' inside parentheses on the left")
        if d == [_ELLIPSIS]:
            sizes[_ELLIPSIS] = tuple(next(dims) for _ in range(len(shape) - len(left) + 1))
            continue
        total = next(dims)
        known = {n: axes_lengths[n] for n in d if n in axes_lengths}
        unknown = [n for n in d if n not in known]
        rest = math.prod(known.values())
        if len(unknown) > 1:
            raise _errors.rearrange_bind(f"cannot infer the sizes of {unknown} from {total}")
        if unknown:
            if rest == 0 or total % rest:
                raise _errors.rearrange_bind(
                    f"inferred dimension does not evenly fit into larger dimension: {total} vs "
                    f"{tuple(known.values()) + ('?',)}")
            known[unknown[0]] = total // rest
        elif rest != total:
            raise _errors.rearrange_bind(f"dimension of size {total} does not match the sizes "
                                         f"{tuple(known.values())}")
        sizes.update((n, (known[n],)) for n in d)
    return sizes
