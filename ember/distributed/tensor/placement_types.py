"""``torch.distributed.tensor.placement_types``: how a DTensor lies on a device mesh.  The
placements are plain values (compared, hashed and printed as torch's); Ember has no DTensor
to place, so they only describe layouts."""


class Placement:
    """Base of the DTensor placements."""

    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


class Shard(Placement):
    """Split along tensor dimension ``dim`` over a mesh dimension."""

    def __init__(self, dim=0):
        self.dim = dim

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    def __eq__(self, other):
        return type(other) is type(self) and other.dim == self.dim

    def __hash__(self):
        return hash((type(self).__name__, self.dim))

    def __repr__(self):
        return f"Shard(dim={self.dim})"


class _StridedShard(Shard):
    """A shard whose rows interleave with a stride (``split_factor``)."""

    def __init__(self, dim=0, split_factor=1):
        super().__init__(dim)
        self.split_factor = split_factor

    def __eq__(self, other):
        return super().__eq__(other) and other.split_factor == self.split_factor

    def __hash__(self):
        return hash((type(self).__name__, self.dim, self.split_factor))

    def __repr__(self):
        return f"_StridedShard(dim={self.dim}, sf={self.split_factor})"


class Replicate(Placement):
    """The whole tensor on every rank of the mesh dimension."""

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Replicate)

    def __hash__(self):
        return hash("Replicate")

    def __repr__(self):
        return "Replicate()"


class Partial(Placement):
    """Each rank holds a partial value, to be reduced with ``reduce_op``."""

    def __init__(self, reduce_op="sum"):
        self.reduce_op = reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return isinstance(other, Partial) and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash(("Partial", self.reduce_op))

    def __repr__(self):
        return f"Partial({self.reduce_op})"


__all__ = ["Placement", "Shard", "Replicate", "Partial"]
