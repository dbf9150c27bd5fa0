"""utils.data: datasets, samplers, collate, DataLoader and its workers."""

# ---- utils.data ----------------------------------------------------------------------------------
def data_mutually_exclusive(what):
    """DataLoader argument conflicts; ``what`` names the dominating option."""
    texts = {
        "batch_sampler": "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                         "sampler, and drop_last",
        "sampler": "sampler option is mutually exclusive with shuffle",
        "batch_size": "batch_size=None option disables auto-batching and is mutually exclusive "
                      "with drop_last",
    }
    return ValueError(texts[what])


def data_bad_option(name, value=None):
    texts = {
        "num_workers": "num_workers option should be non-negative; use num_workers=0 to disable "
                       "multiprocessing.",
        "timeout": "timeout option should be non-negative",
        "prefetch_factor": "prefetch_factor option could only be specified in multiprocessing."
                           "let num_workers > 0 to enable multiprocessing, otherwise set "
                           "prefetch_factor to None.",
        "prefetch_factor_neg": "prefetch_factor option should be non-negative",
        "persistent_workers": "persistent_workers option needs num_workers > 0",
        "mp_context_workers": "multiprocessing_context can only be used with multi-process "
                              f"loading (num_workers > 0), but got num_workers={value}",
    }
    return ValueError(texts[name])


def data_mp_context(value, valid=None):
    if valid is not None:
        return ValueError(f"multiprocessing_context option should specify a valid start method "
                          f"in {valid!r}, but got multiprocessing_context={value!r}")
    return TypeError("multiprocessing_context option should be a valid context object or a "
                     f"string specifying the start method, but got "
                     f"multiprocessing_context={value}")


def data_iterable_option(name, value):
    return ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                      f"but got {name}={value}")


def data_attr_after_init(attr, cls):
    return ValueError(f"{attr} attribute should not be set after {cls} is initialized")


def data_iterable_len_warning(dataset, reported, fetched, multiprocess):
    msg = (f"Length of IterableDataset {dataset} was reported to be {reported}(when accessing "
           f"len(dataloader)), but {fetched} samples have been fetched. ")
    if multiprocess:
        msg += ("For multiprocessing data-loading, this could be caused by not properly "
                "configuring the IterableDataset replica at each worker. Please see "
                "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                "for examples.")
    return msg


def data_pin_memory_warning():
    return ("'pin_memory' argument is set as true but no accelerator is found, then device "
            "pinned memory won't be used.")


def data_timeout(seconds):
    return RuntimeError(f"DataLoader timed out after {seconds} seconds")


def data_worker_killed(pid, signame):
    return RuntimeError(f"DataLoader worker (pid {pid}) is killed by signal: {signame}. ")


def data_worker_exit_code(pid, code):
    return RuntimeError(f"DataLoader worker (pid {pid}) exited unexpectedly with exit code "
                        f"{code}. Details are lost due to multiprocessing. Rerunning with "
                        "num_workers=0 may give better error trace.")


def data_worker_caught(exc_type_name, where, traceback_text):
    return f"Caught {exc_type_name} {where}.\nOriginal {traceback_text}"


COLLATE_ERR_FORMAT = ("default_collate: batch must contain tensors, numpy arrays, numbers, "
                      "dicts or lists; found {}")


def collate_bad_type(found):
    return TypeError(COLLATE_ERR_FORMAT.format(found))


def collate_ragged():
    return RuntimeError("each element in list of batch should be of equal size")


def sampler_bad_arg(name, value, exc=ValueError):
    kinds = {"replacement": "a boolean value", "drop_last": "a boolean value",
             "num_samples": "a positive integer value", "batch_size": "a positive integer value"}
    return exc(f"{name} should be {kinds[name]}, but got {name}={value}")


def sampler_weights_shape(shape):
    return ValueError(f"weights should be a 1d sequence but given weights have shape {shape}")


def distributed_unavailable():
    return RuntimeError("Requires distributed package to be available")


def data_iter_pickle(iterator):
    return NotImplementedError(f"{type(iterator).__name__} cannot be pickled")


def split_empty_warning(index):
    return UserWarning(f"Length of split at index {index} is 0. This might result in an empty "
                       "dataset.")


def distributed_rank(rank, num_replicas):
    return ValueError(f"Invalid rank {rank}, rank should be in the interval "
                      f"[0, {num_replicas - 1}]")


def dataset_error(what, value=None):
    texts = {
        "getitem": (NotImplementedError, "Subclasses of Dataset should implement __getitem__."),
        "tensor_size": (AssertionError, "Size mismatch between tensors"),
        "stack_size": (ValueError, "Size mismatch between datasets"),
        "stack_empty": (ValueError, "At least one dataset should be passed"),
        "stack_both": (ValueError, "Supported either ``tuple``- (via ``args``) or``dict``- (via "
                                   "``kwargs``) like input/output, but both types are given."),
        "concat_empty": (AssertionError, "datasets should not be an empty iterable"),
        "concat_iterable": (AssertionError, "ConcatDataset does not support IterableDataset"),
        "concat_index": (ValueError, "absolute value of index should not exceed dataset length"),
        "chain_type": (AssertionError, "ChainDataset only supports IterableDataset"),
        "split_sum": (ValueError, "Sum of input lengths does not equal the length of the input "
                                  "dataset!"),
        "split_fraction": (ValueError, f"Fraction at index {value} is not between 0 and 1"),
        "nested_size": (ValueError, f"Nested dataset's output size mismatch. Expected {value}"),
    }
    exc, msg = texts[what]
    return exc(msg)
