"""Index samplers: which dataset keys to load, in which order, and how to group them."""
from typing import Generic, TypeVar

from ... import _errors
from ... import _dtype as D
from ..._ops.creation import as_tensor, empty
from ..._ops.random import Generator, randperm, randint, multinomial

_T_co = TypeVar("_T_co", covariant=True)
_REPLACEMENT_CHUNK = 32     # with replacement, indices are drawn 32 at a time (as torch does)


class Sampler(Generic[_T_co]):
    """Base class: an iterable over dataset keys (or over lists of keys for batch samplers)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _fresh_generator():
    """A generator seeded from the default one: each epoch of an unseeded sampler differs, yet
    the whole run follows ``manual_seed``."""
    seed = int(empty((), dtype=D.int64).random_().item())
    return Generator().manual_seed(seed)


def _check_num_samples(num_samples):
    if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
        raise _errors.sampler_bad_arg("num_samples", num_samples)


class RandomSampler(Sampler[int]):
    """A random permutation of the keys, or ``num_samples`` draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise _errors.sampler_bad_arg("replacement", replacement, TypeError)
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise _errors.sampler_bad_arg("num_samples", self.num_samples)

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        g = self.generator if self.generator is not None else _fresh_generator()
        count = self.num_samples
        if self.replacement:
            for _ in range(count // _REPLACEMENT_CHUNK):
                yield from randint(high=n, size=(_REPLACEMENT_CHUNK,), dtype=D.int64,
                                   generator=g).tolist()
            yield from randint(high=n, size=(count % _REPLACEMENT_CHUNK,), dtype=D.int64,
                               generator=g).tolist()
        else:
            for _ in range(count // n):
                yield from randperm(n, generator=g).tolist()
            yield from randperm(n, generator=g).tolist()[:count % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given keys in a random order."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` keys drawn with probabilities proportional to ``weights``."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        _check_num_samples(num_samples)
        if not isinstance(replacement, bool):
            raise _errors.sampler_bad_arg("replacement", replacement)
        weights = as_tensor(weights, dtype=D.float64)
        if weights.dim() != 1:
            raise _errors.sampler_weights_shape(tuple(weights.shape))
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = multinomial(self.weights, self.num_samples, self.replacement,
                            generator=self.generator)
        yield from drawn.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Groups another sampler's keys into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise _errors.sampler_bad_arg("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise _errors.sampler_bad_arg("drop_last", drop_last)
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        size = self.batch_size
        while True:
            batch = []
            for idx in it:
                batch.append(idx)
                if len(batch) == size:
                    break
            if len(batch) == size or (batch and not self.drop_last):
                yield batch
            if len(batch) < size:
                return

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
