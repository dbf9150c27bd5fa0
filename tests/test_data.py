"""ember.utils.data against torch.utils.data: datasets, samplers, collation and the
single-process DataLoader (worker processes are in test_dataloader_workers.py)."""
import collections
import math
import warnings

import numpy as np
import pytest

import ember
from ember.utils import data as ed

Point = collections.namedtuple("Point", "x y")


def _same(a, b):
    """Structure, dtype and values of an ember result equal torch's."""
    import torch
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor), type(a)
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b and type(a) is type(b)


def _pair(torch, values):
    """The same tensor in ember and torch."""
    return ember.from_numpy(values.copy()), torch.from_numpy(values.copy())


# ---- datasets ---------------------------------------------------------------------------------
class Squares(ed.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


class Count(ed.IterableDataset):
    def __init__(self, n, reported=None):
        self.n, self.reported = n, reported

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n if self.reported is None else self.reported


def test_tensor_dataset(torch):
    x, tx = _pair(torch, np.arange(12.0).reshape(6, 2))
    y, ty = _pair(torch, np.arange(6))
    ds, tds = ed.TensorDataset(x, y), torch.utils.data.TensorDataset(tx, ty)
    assert len(ds) == len(tds) == 6
    _same(ds[3], tds[3])
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        ed.TensorDataset(x, y[:3])


def test_concat_chain_subset_stack():
    cat = ed.ConcatDataset([Squares(3), Squares(4)])
    assert len(cat) == 7 and [cat[i] for i in range(7)] == [0, 1, 4, 0, 1, 4, 9]
    assert cat[-1] == 9 and cat.cumulative_sizes == [3, 7]
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        cat[-8]
    assert len(Squares(2) + Squares(3)) == 5
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ed.ConcatDataset([])
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ed.ConcatDataset([Count(2)])
    chain = Count(2) + Count(3)
    assert list(chain) == [0, 1, 0, 1, 2] and len(chain) == 5
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ed.ChainDataset([Squares(2)]))
    sub = ed.Subset(Squares(10), [9, 2, 4])
    assert len(sub) == 3 and sub[0] == 81 and sub.__getitems__([1, 2]) == [4, 16]
    st = ed.StackDataset(Squares(3), Squares(3))
    assert st[2] == (4, 4) and st.__getitems__([1, 2]) == [(1, 1), (4, 4)]
    assert ed.StackDataset(a=Squares(2), b=Squares(2))[1] == {"a": 1, "b": 1}
    for args, kwargs, msg in [((Squares(2), Squares(3)), {}, "Size mismatch between datasets"),
                              ((), {}, "At least one dataset should be passed"),
                              ((Squares(2),), {"a": Squares(2)}, "but both types are given")]:
        with pytest.raises(ValueError, match=msg):
            ed.StackDataset(*args, **kwargs)
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        ed.Dataset()[0]


@pytest.mark.parametrize("n,lengths", [(10, [3, 7]), (30, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]),
                                       (7, [0.2, 0.2, 0.2, 0.2, 0.2])])
def test_random_split_lengths(torch, n, lengths):
    ours = ed.random_split(range(n), lengths, generator=ember.Generator().manual_seed(0))
    theirs = torch.utils.data.random_split(range(n), lengths,
                                           generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s.indices) == list(range(n))
    again = ed.random_split(range(n), lengths, generator=ember.Generator().manual_seed(0))
    assert [s.indices for s in again] == [s.indices for s in ours]


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        ed.random_split(range(5), [2, 2])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        ed.random_split(range(5), [0.5, 1.5, -1.0])
    with pytest.warns(UserWarning, match="Length of split at index 2 is 0. This might result "
                                         "in an empty dataset."):
        ed.random_split(range(2), [0.5, 0.5, 0.0])


# ---- samplers ---------------------------------------------------------------------------------
def test_sequential_and_batch_sampler(torch):
    for n, bs, drop in [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False)]:
        ours = ed.BatchSampler(ed.SequentialSampler(range(n)), bs, drop)
        theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(n)),
                                               bs, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for bad, msg in [(0, "batch_size should be a positive integer value, but got batch_size=0"),
                     (True, "batch_size=True")]:
        with pytest.raises(ValueError, match=msg):
            ed.BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got"):
        ed.BatchSampler(range(3), 2, 1)


def test_random_sampler():
    g = ember.Generator().manual_seed(3)
    perm = list(ed.RandomSampler(range(10), generator=g))
    assert sorted(perm) == list(range(10))
    assert perm == list(ed.RandomSampler(range(10), generator=ember.Generator().manual_seed(3)))
    more = list(ed.RandomSampler(range(4), num_samples=10, generator=g))
    assert len(more) == 10 and sorted(more[:4]) == sorted(more[4:8]) == [0, 1, 2, 3]
    rep = ed.RandomSampler(range(5), replacement=True, num_samples=70, generator=g)
    draws = list(rep)
    assert len(rep) == 70 and len(draws) == 70 and set(draws) <= set(range(5))
    ember.manual_seed(1)
    a = list(ed.RandomSampler(range(20)))
    ember.manual_seed(1)
    assert a == list(ed.RandomSampler(range(20)))
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got "
                                        "replacement=1"):
        ed.RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        ed.RandomSampler(range(3), num_samples=0)


def test_subset_and_weighted_samplers():
    g = ember.Generator().manual_seed(0)
    assert sorted(ed.SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    w = ed.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 50, generator=g)
    draws = list(w)
    assert len(w) == 50 and set(draws) <= {1, 3} and draws.count(3) > draws.count(1)
    assert sorted(ed.WeightedRandomSampler([1, 1, 1], 3, replacement=False,
                                           generator=g)) == [0, 1, 2]
    with pytest.raises(ValueError, match="weights should be a 1d sequence but given weights "
                                         r"have shape \(2, 2\)"):
        ed.WeightedRandomSampler([[1, 2], [3, 4]], 2)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        ed.WeightedRandomSampler([1, 2], True)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        ed.WeightedRandomSampler([1, 2], 2, replacement=0)


@pytest.mark.parametrize("n,replicas,drop_last", [(10, 3, False), (10, 3, True), (12, 4, False),
                                                  (2, 5, False), (11, 4, True)])
def test_distributed_sampler_partition_equals_torch(torch, n, replicas, drop_last):
    for rank in range(replicas):
        ours = ed.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                     drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False,
                                                     drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert (len(ours), ours.total_size) == (len(theirs), theirs.total_size)


def test_distributed_sampler_shuffle_deterministic():
    def shards(epoch, seed=0):
        out = []
        for rank in range(3):
            s = ed.DistributedSampler(range(10), 3, rank, seed=seed)
            s.set_epoch(epoch)
            out.append(list(s))
        return out
    first = shards(0)
    assert first == shards(0) and first != shards(1) and first != shards(0, seed=1)
    flat = [i for shard in first for i in shard]
    assert len(flat) == 12 and set(flat) == set(range(10))
    with pytest.raises(ValueError, match=r"Invalid rank 3, rank should be in the interval "
                                         r"\[0, 2\]"):
        ed.DistributedSampler(range(10), 3, 3)


# ---- collation --------------------------------------------------------------------------------
def _collate_cases():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    return [
        [1, 2, 3],
        [1.5, 2.0],
        [True, False],
        ["a", "b"],
        [b"x", b"y"],
        [np.float32(1), np.float32(2)],
        [np.int16(1), np.int16(2)],
        [arr, arr + 1],
        [np.arange(3, dtype=np.uint8), np.arange(3, dtype=np.uint8)],
        [(1, 2.0, "s"), (3, 4.0, "t")],
        [[1, 2], [3, 4]],
        [{"a": 1, "b": [arr, arr]}, {"a": 2, "b": [arr, arr]}],
        [Point(1, 2.0), Point(3, 4.0)],
    ]


@pytest.mark.parametrize("case", range(len(_collate_cases())))
def test_default_collate_matches_torch(torch, case):
    batch = _collate_cases()[case]
    _same(ed.default_collate(batch), torch.utils.data.default_collate(batch))


def test_default_collate_tensors(torch):
    values = [np.random.default_rng(i).standard_normal((2, 3)).astype(np.float32)
              for i in range(4)]
    ours = ed.default_collate([(ember.from_numpy(v), i) for i, v in enumerate(values)])
    theirs = torch.utils.data.default_collate([(torch.from_numpy(v), i)
                                               for i, v in enumerate(values)])
    _same(ours, theirs)


@pytest.mark.parametrize("batch", [[object(), object()], [np.array(["a"]), np.array(["b"])]])
def test_default_collate_errors(torch, batch):
    with pytest.raises(TypeError) as theirs:
        torch.utils.data.default_collate(batch)
    with pytest.raises(TypeError) as ours:
        ed.default_collate(batch)
    assert str(ours.value) == str(theirs.value)


def test_default_collate_ragged():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal "
                                           "size"):
        ed.default_collate([[1, 2], [3]])


@pytest.mark.parametrize("sample", [
    np.arange(3), np.float64(2.5), 7, "s", (np.arange(2), 1), [np.arange(2), "x"],
    {"k": np.ones(2, np.float32)}, Point(np.array(0), np.array(1))])
def test_default_convert_matches_torch(torch, sample):
    _same(ed.default_convert(sample), torch.utils.data.default_convert(sample))


def test_default_convert_keeps_string_arrays():
    arr = np.array(["a", "b"])
    assert ed.default_convert(arr) is arr


# ---- DataLoader, single process ---------------------------------------------------------------
def _both(torch, n=23, d=3):
    x = np.arange(n * d, dtype=np.float32).reshape(n, d)
    y = np.arange(n)
    return (ed.TensorDataset(ember.from_numpy(x.copy()), ember.from_numpy(y.copy())),
            torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)))


def _loaders(torch, ours_ds, theirs_ds, **kw):
    return ed.DataLoader(ours_ds, **kw), torch.utils.data.DataLoader(theirs_ds, **kw)


@pytest.mark.parametrize("kw", [dict(), dict(batch_size=4), dict(batch_size=4, drop_last=True),
                                dict(batch_size=None), dict(batch_size=30)])
def test_dataloader_order_matches_torch(torch, kw):
    ours, theirs = _loaders(torch, *_both(torch), **kw)
    assert len(ours) == len(theirs)
    got, want = list(ours), list(theirs)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        _same(a, b)


def test_dataloader_explicit_samplers_match_torch(torch):
    order = [5, 1, 7, 0, 22, 3, 3, 9]
    ours_ds, theirs_ds = _both(torch)
    ours, theirs = _loaders(torch, ours_ds, theirs_ds, sampler=order, batch_size=3)
    for a, b in zip(ours, theirs):
        _same(a, b)
    batches = [[0, 1], [9, 8, 7], [4]]
    ours, theirs = _loaders(torch, ours_ds, theirs_ds, batch_sampler=batches)
    assert len(ours) == 3
    for a, b in zip(ours, theirs):
        _same(a, b)


def test_dataloader_shuffle_generator():
    ds = Squares(20)
    run = lambda seed: [b.tolist() for b in ed.DataLoader(  # noqa: E731
        ds, batch_size=5, shuffle=True, generator=ember.Generator().manual_seed(seed))]
    first = run(0)
    assert first == run(0) and first != run(1)
    assert sorted(sum(first, [])) == [i * i for i in range(20)]


def test_dataloader_collate_structures(torch):
    samples = [{"img": np.full((2, 2), i, np.uint8), "label": i, "name": f"n{i}",
                "pt": Point(float(i), [i, i])} for i in range(5)]
    ours, theirs = _loaders(torch, samples, samples, batch_size=2)
    for a, b in zip(ours, theirs):
        _same(a, b)
    ours, theirs = _loaders(torch, samples, samples, batch_size=None)
    for a, b in zip(ours, theirs):
        _same(a, b)


def test_dataloader_custom_collate_and_getitems():
    class Batched(Squares):
        def __getitems__(self, indices):
            return [("batched", i) for i in indices]
    out = list(ed.DataLoader(Batched(5), batch_size=2, collate_fn=lambda b: b))
    assert out == [[("batched", 0), ("batched", 1)], [("batched", 2), ("batched", 3)],
                   [("batched", 4)]]


def test_dataloader_iterable(torch):
    for kw in [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
               dict(batch_size=None)]:
        ours, theirs = _loaders(torch, Count(8), _torch_count(torch, 8), **kw)
        assert len(ours) == len(theirs)
        for a, b in zip(list(ours), list(theirs)):
            _same(a, b)


def _torch_count(torch, n, reported=None):
    class TCount(torch.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n if reported is None else reported
    return TCount()


def test_dataloader_iterable_len_warning():
    loader = ed.DataLoader(Count(5, reported=3))
    assert len(loader) == 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(loader)
    texts = [str(w.message) for w in caught]
    assert len(texts) == 2
    assert texts[0].startswith("Length of IterableDataset ") and texts[0].endswith(
        "was reported to be 3(when accessing len(dataloader)), but 4 samples have been "
        "fetched. ")

    class NoLen(ed.IterableDataset):
        def __iter__(self):
            return iter([])
    with pytest.raises(TypeError, match="object of type 'NoLen' has no len"):
        len(ed.DataLoader(NoLen()))
    assert math.ceil(8 / 3) == len(ed.DataLoader(Count(8), batch_size=3))


ARG_ERRORS = [
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], shuffle=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], sampler=[0]), "sampler option is mutually exclusive"),
    (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
    (dict(num_workers=-1), "num_workers option should be non-negative"),
    (dict(timeout=-1), "timeout option should be non-negative"),
    (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
    (dict(num_workers=1, prefetch_factor=-1), "prefetch_factor option should be non-negative"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(multiprocessing_context="spawn"), "multiprocessing_context can only be used"),
    (dict(num_workers=1, multiprocessing_context="nope"), "should specify a valid start"),
]


@pytest.mark.parametrize("kw,fragment", ARG_ERRORS)
def test_dataloader_argument_errors(torch, kw, fragment):
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DataLoader(list(range(4)), **kw)
    with pytest.raises(ValueError) as ours:
        ed.DataLoader(list(range(4)), **kw)
    assert str(ours.value) == str(theirs.value) and fragment in str(ours.value)


@pytest.mark.parametrize("kw", [dict(shuffle=True), dict(sampler=[0]),
                                dict(batch_sampler=[[0]])])
def test_dataloader_iterable_argument_errors(kw):
    name, value = next(iter(kw.items()))
    with pytest.raises(ValueError, match=f"DataLoader with IterableDataset: expected "
                                         f"unspecified {name} option, but got {name}="):
        ed.DataLoader(Count(3), **kw)


def test_dataloader_frozen_attributes_and_pin_memory():
    loader = ed.DataLoader(Squares(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.num_workers = 0      # not frozen
    pinned = ed.DataLoader(Squares(4), pin_memory=True)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no "
                                         "accelerator is found"):
        assert [b.item() for b in pinned] == [0, 1, 4, 9]


def test_reexported_from_ember():
    assert ember.utils.data.DataLoader is ed.DataLoader
    assert ed.get_worker_info() is None
