"""Checkpoints: ember.save / ember.load, the weights-only unpickler, safetensors, hub."""

# ---- serialization (ember.save / ember.load / safetensors / hub) ----------------------------
_WEIGHTS_ONLY_UNSAFE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
_WEIGHTS_ONLY_DOCS = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def weights_only_failed(detail, report=True):
    """A ``weights_only`` load refused; ``report``: torch asks to file an issue about it."""
    import pickle
    ask = ("Please file an issue with the following so that we can make `weights_only=True` "
           "compatible with your use case: WeightsUnpickler error: ") if report else ""
    return pickle.UnpicklingError(f"Weights only load failed. {_WEIGHTS_ONLY_UNSAFE}\n{ask}\n\n"
                                  f"{detail}{_WEIGHTS_ONLY_DOCS}")


def weights_only_global(full_name, api="ember"):
    """torch's message; ``api``: the package the program imports (``torch`` under the runner)."""
    import pickle
    if full_name.startswith("builtins."):
        full_name = full_name[len("builtins."):]
    return pickle.UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two options, "
        "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. \n\t(1) "
        f"{_WEIGHTS_ONLY_UNSAFE}\n\t(2) Alternatively, to load with `weights_only=True` please "
        "check the recommended steps in the following error message.\n\tWeightsUnpickler error: "
        f"Unsupported global: GLOBAL {full_name} was not an allowed global by default. Please "
        f"use `{api}.serialization.add_safe_globals([{full_name}])` or the "
        f"`{api}.serialization.safe_globals([{full_name}])` context manager to allowlist this "
        f"global if you trust this class/function.{_WEIGHTS_ONLY_DOCS}")


def weights_only_blocked(full_name, module):
    return weights_only_failed(f"Trying to load unsupported GLOBAL {full_name} whose module "
                               f"{module} is blocked.", report=False)


def weights_only_not_callable(func):
    which = f" which belongs to {func.__self__}" if hasattr(func, "__self__") else ""
    return weights_only_failed(f"Trying to call reduce for unrecognized function {func}{which}")


def weights_only_target(op, obj):
    """An opcode applied to an object it may not touch (``obj``: a class for NEWOBJ)."""
    texts = {
        "NEWOBJ": "Can only create new object for nn.Parameter or classes allowlisted via "
                  f"`add_safe_globals` but got {obj}",
        "BUILD": "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                 f"`add_safe_globals`, but got {type(obj)}",
        "APPEND": f"Can only append to lists, but got {type(obj)}",
        "APPENDS": f"Can only extend lists, but got {type(obj)}",
        "SETITEM": f"Can only {op} for dict, collections.OrderedDict, collections.Counter, but "
                   f"got {type(obj)}",
        "ADDITEMS": f"Can only ADDITEMS for set, but got {type(obj)}",
    }
    return weights_only_failed(texts["SETITEM" if op == "SETITEMS" else op])


def weights_only_build_state(inst=None, key=None):
    """A BUILD state other than plain attributes (on ``inst``; ``key``: a refused key)."""
    if key is not None:
        return weights_only_failed(f"Unsupported BUILD key {key!r}")
    of = f" for {type(inst).__name__}" if inst is not None else ""
    return weights_only_failed(f"Unsupported BUILD state{of}")


def weights_only_operand(op):
    return weights_only_failed(f"Unsupported operand {op}")


def pickle_malformed(what, detail=None):
    """A pickle stream the weights-only machine cannot run (``detail``: an index or error)."""
    import pickle
    texts = {
        "truncated": "pickle data was truncated",
        "line": "pickle line too long or truncated",
        "no_mark": "MARK not found",
        "underflow": "unpickling stack underflow",
        "mark": "unexpected MARK",
        "protocol": "unsupported pickle protocol",
        "long": "integer too large",
        "SETITEMS": "odd number of items for SETITEMS",
        "DICT": "odd number of items for DICT",
        "STACK_GLOBAL": "STACK_GLOBAL requires str",
        "REDUCE": "REDUCE arguments must be a tuple",
        "memo_index": "memo index out of range",
        "memo_key": f"memo key {detail} not found",
        "limit": f"pickle data is malformed ({type(detail).__name__})",
        "error": f"{type(detail).__name__}: {detail}",
        "persistent_id": "unexpected persistent id in a checkpoint header",
    }
    return pickle.UnpicklingError(texts[what])


def safe_global_argument(what):
    """An allow-listed builtin called with arguments it is not allowed to take."""
    texts = {"encode": "_codecs.encode is only allowed on a str with a byte encoding",
             "bytearray": "bytearray is only allowed from bytes, str or a list"}
    return TypeError(texts[what])


def checkpoint_name_only(name):
    return TypeError(f"{name} is only a name written into checkpoints")


def checkpoint_corrupt(detail):
    return RuntimeError(f"invalid checkpoint: {detail}")


def crc_mismatch_text(stored, computed):
    return f"CRC-32 mismatch (stored {stored:#010x}, computed {computed:#010x})"


def checkpoint_crc_mismatch(record, stored, computed, paths):
    """A storage record whose bytes do not match zip's CRC-32; ``paths``: the key paths of the
    tensors built on it (empty when unknown)."""
    if paths:
        shown = ", ".join(repr(p) for p in paths[:8]) + (", ..." if len(paths) > 8 else "")
        which = f"; it holds tensor{'s' if len(paths) > 1 else ''} {shown}"
    else:
        which = ""
    return checkpoint_corrupt(f"record {record!r} is damaged: {crc_mismatch_text(stored, computed)}"
                              f"{which}. The file was altered after it was written (disk, "
                              f"transfer or storage fault); re-download or re-save it.")


def load_cuda_unavailable():
    return RuntimeError("Attempting to deserialize object on a CUDA device but "
                        "torch.cuda.is_available() is False. If you are running on a CPU-only "
                        "machine, please use torch.load with map_location=torch.device('cpu') "
                        "to map your storages to the CPU.")


def mmap_needs_path():
    return ValueError("f must be a file path in order to use the mmap argument")


def mmap_legacy_format(f):
    return RuntimeError(f"mmap can only be used with files saved with `torch.save({f}, "
                        "_use_new_zipfile_serialization=True), please torch.save your checkpoint "
                        "with this option in order to use mmap.")


def save_storage_dtype_conflict():
    return RuntimeError("Cannot save multiple tensors or storages that view the same data as "
                        "different types")


def hub_download_failed(url, path, reason, repo=False):
    """``repo``: ``path`` is the folder of a repository (hub.load), not a file."""
    todo = f"unpack the repository into {path}" if repo else f"put the file at {path}"
    return RuntimeError(f"could not download {url} ({reason}). Without network access, {todo} "
                        "and call again.")


def hub_hash_mismatch(expected, got):
    return RuntimeError(f'invalid hash value (expected "{expected}", got "{got}")')


def save_parent_missing(path):
    return RuntimeError(f"Parent directory {path} does not exist.")


# safetensors: worded as the `safetensors` package words them
def safetensors_not_dict(obj):
    return ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(obj)}")


def safetensors_not_tensor(name, obj):
    return ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(obj)}")


def safetensors_metadata(value):
    return TypeError(f"argument 'metadata': '{type(value).__name__}' object is not an instance "
                     "of 'str'")


def safetensors_dtype(dtype):
    return TypeError(f"safetensors has no dtype for {dtype}")


def safetensors_invalid(what, detail=None):
    """A malformed file (the package's SafetensorError; here a ValueError)."""
    texts = {"small": "header too small", "length": "invalid header length",
             "json": f"invalid JSON in header: {detail}",
             "object": "invalid JSON in header: expected a JSON object",
             "entry": f"invalid shape, data type, or offset for tensor {detail!r}"}
    return ValueError(f"Error while deserializing: {texts[what]}")


# ---- torch.hub repositories ------------------------------------------------------------------
def hub_missing_dependencies(missing):
    return RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def hub_model_not_string():
    return ValueError("Invalid input: model should be a string of function name")


def hub_no_callable(model):
    return RuntimeError(f"Cannot find callable {model} in hubconf")


def hub_unknown_source(source):
    return ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')


def hub_trust_prompt(owner_name):
    return (f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?")


def hub_untrusted():
    return Exception("Untrusted repository.")


def hub_trust_answer(answer):
    return ValueError(f"Unrecognized response {answer}.")




def pickle_load_args_ignored():
    return "pickle_load_args only works if `weights_only=False`."
