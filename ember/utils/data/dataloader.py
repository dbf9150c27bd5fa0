"""``DataLoader``: combines a dataset and a sampler and iterates over batches, in the main
process (``num_workers=0``) or through worker processes (see ``_multiprocess``)."""
import math
import multiprocessing
import warnings
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ... import _errors
from ... import _dtype as D
from ... import accelerator
from ..._ops.creation import empty
from ._collate import default_collate, default_convert, pin_memory
from ._fetch import make_fetcher
from .dataset import IterableDataset
from .sampler import Sampler, SequentialSampler, RandomSampler, BatchSampler, _T_co

_T = TypeVar("_T")
# the annotations libraries import from here, as torch defines them
_worker_init_fn_t = Callable[[int], None]
_collate_fn_t = Callable[[list[_T]], Any]

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: ``None`` forever (the dataset decides the order)."""

    def __iter__(self):
        while True:
            yield None


class _DatasetKind:
    """Which fetcher a loader uses (torch's names: iterators and libraries read a loader's
    ``_dataset_kind``)."""
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        return make_fetcher(kind == _DatasetKind.Iterable, dataset, auto_collation, collate_fn,
                            drop_last)


class DataLoader(Generic[_T_co]):
    """Iterates over ``dataset`` in batches; see ``torch.utils.data.DataLoader``."""

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise _errors.data_bad_option("num_workers")
        if timeout < 0:
            raise _errors.data_bad_option("timeout")
        if num_workers == 0 and prefetch_factor is not None:
            raise _errors.data_bad_option("prefetch_factor")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise _errors.data_bad_option("prefetch_factor_neg")
        if persistent_workers and num_workers == 0:
            raise _errors.data_bad_option("persistent_workers")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        self._dataset_kind = (_DatasetKind.Iterable if isinstance(dataset, IterableDataset)
                              else _DatasetKind.Map)
        if self._is_iterable:
            if shuffle not in (False, None):
                raise _errors.data_iterable_option("shuffle", shuffle)
            if sampler is not None:
                raise _errors.data_iterable_option("sampler", sampler)
            if batch_sampler is not None:
                raise _errors.data_iterable_option("batch_sampler", batch_sampler)
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise _errors.data_mutually_exclusive("sampler")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise _errors.data_mutually_exclusive("batch_sampler")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise _errors.data_mutually_exclusive("batch_size")

        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None

    @property
    def multiprocessing_context(self):
        return self._mp_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise _errors.data_bad_option("mp_context_workers", self.num_workers)
            if isinstance(context, str):
                valid = multiprocessing.get_all_start_methods()
                if context not in valid:
                    raise _errors.data_mp_context(context, valid)
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise _errors.data_mp_context(context)
        self._mp_context = context

    def __setattr__(self, attr, val):
        if self._initialized and attr in _FROZEN:
            raise _errors.data_attr_after_init(attr, type(self).__name__)
        super().__setattr__(attr, val)

    @property
    def _is_iterable(self):
        return self._dataset_kind == _DatasetKind.Iterable

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the iterator draws from: batches of keys, or single keys without batching."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        from ._multiprocess import _MultiProcessingDataLoaderIter
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self):
        if not self._is_iterable:
            return len(self._index_sampler)
        length = self._IterableDataset_len_called = len(self.dataset)
        if self.batch_size is not None:
            if self.drop_last:
                return length // self.batch_size
            return math.ceil(length / self.batch_size)
        return length


class _BaseDataLoaderIter:
    """State shared by both iterators: the index stream, the base seed, the length warning."""

    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._is_iterable = loader._dataset_kind == _DatasetKind.Iterable
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._pin_memory = loader.pin_memory and accelerator.is_available()
        if loader.pin_memory and not self._pin_memory:
            warnings.warn(_errors.data_pin_memory_warning(), stacklevel=3)
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = int(empty((), dtype=D.int64).random_(generator=loader.generator)
                              .item())
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        if self._pin_memory:
            data = pin_memory(data)
        self._num_yielded += 1
        reported = self._IterableDataset_len_called
        if self._is_iterable and reported is not None and self._num_yielded > reported:
            warnings.warn(_errors.data_iterable_len_warning(
                self._dataset, reported, self._num_yielded, self._num_workers > 0),
                stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise _errors.data_iter_pickle(self)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = make_fetcher(self._is_iterable, self._dataset, self._auto_collation,
                                     self._collate_fn, self._drop_last)

    def _next_data(self):
        return self._fetcher.fetch(self._next_index())


def __getattr__(name):
    # torch's name for the multi-process iterator, defined in ._multiprocess (which imports
    # this module, so it is reached lazily).
    if name == "_MultiProcessingDataLoaderIter":
        from ._multiprocess import _MultiProcessingDataLoaderIter
        return _MultiProcessingDataLoaderIter
    raise _errors.module_attribute(__name__, name)
