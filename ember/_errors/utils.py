"""utils: checkpoint, hooks, _pytree, testing and the other ``torch.utils`` modules."""


# ---- torch.utils.hooks ----------------------------------------------------------------------
def hook_not_serialized_warning(hook):
    return (f"backward hook {hook!r} on tensor will not be serialized.  If this is expected, "
            "you can decorate the function with @torch.utils.hooks.unserializable_hook to "
            "suppress this warning")


# ---- torch.utils.checkpoint -----------------------------------------------------------------
CHECKPOINT_NO_GRAD_INPUTS = "None of the inputs have requires_grad=True. Gradients will be None"


def checkpoint_use_reentrant_warning(sequential=False):
    if sequential:
        return ("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter "
                "should be passed explicitly. In version 2.9 we will raise an exception if "
                "use_reentrant is not passed. use_reentrant=False is recommended, but if you "
                "need to preserve the current default behavior, you can pass "
                "use_reentrant=True. Refer to docs for more details on the differences between "
                "the two variants.")
    return ("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.")


def checkpoint_unexpected_kwargs(kwargs):
    return ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))


def checkpoint_context_fn_reentrant():
    return ValueError("Passing `context_fn` or `debug` is only supported when "
                      "use_reentrant=False.")


def checkpoint_reentrant_grad():
    return RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible with "
                        ".grad() or passing an `inputs` parameter to .backward(). To resolve "
                        "this error, you can either set use_reentrant=False, or call "
                        ".backward() without passing the `inputs` argument.")


def checkpoint_no_output_grad():
    return RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                        "necessary")


def checkpoint_detach_variable(inputs):
    return RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                        f"{type(inputs).__name__}")


def checkpoint_recompute_mismatch(cls, detail):
    return cls("torch.utils.checkpoint: Recomputed values for the following tensors have "
               "different metadata than during the forward pass.\n" + detail)



# ---- torch.utils._pytree --------------------------------------------------------------------
def pytree_already_registered(cls):
    return ValueError(f"{cls} is already registered as pytree node.")


def pytree_not_treespec(treespec):
    return TypeError("Expected `treespec` to be an instance of PyTreeSpec but got item of type "
                     f"{type(treespec)}.")


def pytree_leaves_count(got, spec):
    return ValueError(f"treespec.unflatten(leaves): `leaves` has length {got} but the spec "
                      f"refers to a pytree that holds {spec.num_leaves} items ({spec}).")


def pytree_type(expected, got):
    return ValueError(f"Node type mismatch; expected {expected!r}, but got {got!r}.")


def pytree_arity(expected, got):
    return ValueError(f"Node arity mismatch; expected {expected}, but got {got}.")


def pytree_custom_type(expected, got):
    return ValueError(f"Type mismatch; expected {expected!r}, but got {got!r}.")


def pytree_custom_context(node_type):
    return ValueError(f"Node context mismatch for custom node type {node_type!r}.")


def pytree_context(node_type, expected, got):
    return ValueError(f"Node context mismatch for node type {node_type!r}; expected "
                      f"{expected!r}, but got {got!r}.")


def pytree_keys(missing, extra):
    message = ""
    if missing:
        message += f"; missing key(s): {missing}"
    if extra:
        message += f"; extra key(s): {extra}"
    return ValueError(f"Node keys mismatch{message}.")


def pytree_not_registered(verb, what):
    """``verb`` is ``"Serializing"`` (a node type) or ``"Deserializing"`` (a serialized name)."""
    return NotImplementedError(f"{verb} {what} in pytree is not registered.")


def pytree_namedtuple_not_serializable(cls):
    return NotImplementedError(
        f"Can't serialize TreeSpec of namedtuple class {cls} because we didn't register a "
        "serializated_type_name. Please register using `_register_namedtuple`.")


def pytree_unknown_protocol(protocol):
    return ValueError(f"Unknown protocol {protocol}. Available protocols: [1]")


def pytree_no_keys_fn(node_type):
    return ValueError(f"Did not find a flatten_with_keys_fn for type: {node_type}. Please pass "
                      "a flatten_with_keys_fn argument to register_pytree_node.")


# ---- torch.testing --------------------------------------------------------------------------
def testing_tolerance_pair(rtol):
    return ValueError("Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                      f"{'rtol' if rtol is None else 'atol'}.")


def testing_no_pair(actual, expected):
    return TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                     f"{type(expected)}.")


def testing_sequence_length(actual_len, expected_len):
    return AssertionError(f"The length of the sequences mismatch: {actual_len} != {expected_len}")


def testing_mapping_keys(missing, additional):
    return AssertionError("The keys of the mappings do not match:\n"
                          f"Missing keys in the actual mapping: {sorted(missing)}\n"
                          f"Additional keys in the actual mapping: {sorted(additional)}")


def testing_attribute(name, actual, expected):
    return AssertionError(f"The values for attribute '{name}' do not match: {actual} != "
                          f"{expected}.")


def testing_none(actual, expected):
    return AssertionError(f"None mismatch: {actual} is not {expected}")


def testing_bool(actual, expected):
    return AssertionError(f"Booleans mismatch: {actual} is not {expected}")


def testing_number_types(actual, expected):
    return AssertionError(f"The (d)types do not match: {type(actual)} != {type(expected)}.")


def testing_object(actual, expected):
    return AssertionError(f"{actual} != {expected}")


def testing_mismatch(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    """PyTorch's numeric mismatch report (``... are not close!`` and the greatest
    differences)."""
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = (f"{kind.title()} difference: {diff}" if idx is None
                else f"Greatest {kind} difference: {diff} at index {idx}")
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return AssertionError(msg.strip())


def make_tensor_nan_bounds(low, high):
    return ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")


def make_tensor_low_high(low, high):
    return ValueError(f"`low` must be less than `high`, but got {low} >= {high}")


def make_tensor_interval(low, high, dtype, lowest, highest):
    return ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                      f"but {dtype} only supports [{lowest}, {highest})")


def make_tensor_requires_grad(dtype):
    return ValueError("`requires_grad=True` is not supported for boolean and integral dtypes, "
                      f"but got dtype={dtype}")


def make_tensor_noncontiguous(noncontiguous, memory_format):
    return ValueError("The parameters `noncontiguous` and `memory_format` are mutually "
                      f"exclusive, but got noncontiguous={noncontiguous} and "
                      f"memory_format={memory_format}")


MAKE_TENSOR_LOW_EQ_HIGH = (
    "Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
    "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.")
ASSERT_ALLCLOSE_DEPRECATED = (
    "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
    "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
    "instructions in https://github.com/pytorch/pytorch/issues/61844.")


# ---- torch.profiler ---------------------------------------------------------------------------
PROFILER_NO_WARMUP = "Profiler won't be using warmup, this can skew profiler results"


# ---- torch.futures ------------------------------------------------------------------------------
def future_completed_twice():
    return RuntimeError("Attempting to mark a completed Future as complete again. Note that a "
                        "Future can only be marked completed once.")


def future_not_exception(value):
    return AssertionError(f"{value} is of type {type(value)}, not an Exception.")


def future_not_completed():
    return RuntimeError("value() called on a Future that has not completed yet; call wait() "
                        "first")


def future_callback_error(error, where):
    return RuntimeError("Got the following error when running the callback: "
                        f"{type(error).__name__}: {error}\n\nAt:\n{where}")


# ---- torch.multiprocessing ----------------------------------------------------------------------
def mp_non_leaf_tensor():
    return RuntimeError(
        "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
        "does not support crossing process boundaries.  If you just want to transfer the "
        "data, call detach() on the tensor before serializing (e.g., putting it on the queue).")


def mp_sharing_strategy(strategy, supported):
    return ValueError(f"Unsupported sharing strategy: {strategy!r}; Ember shares tensors "
                      f"through {sorted(supported)}")


# ---- torch.utils.tensorboard --------------------------------------------------------------------
def tb_empty_histogram():
    return ValueError("The input has no element.")


def tb_needs_pillow():
    return ImportError("SummaryWriter.add_image needs Pillow: pip install 'ember[vision]'")


def tb_hparams_dict_type(name):
    return TypeError(f"parameter: {name} should be a dictionary, nothing logged.")


def tb_hparams_dicts():
    return TypeError("hparam_dict and metric_dict should be dictionary.")


def tb_hparams_domain(key):
    return TypeError(f"parameter: hparam_domain_discrete[{key}] should be a list of same type as "
                     f"hparam_dict[{key}].")


def tb_hparams_value():
    return ValueError("value should be one of int, float, str, bool, or torch.Tensor")


# ---- torch.utils.checkpoint: selective activation checkpointing -----------------------------
_SAC_MISMATCH = ("This can happen if the operations in the checkpointed region are "
                 "nondeterministic or depend on global state that changed between forward and "
                 "backward.")


def sac_op_list_entry(op, is_packet):
    extra = ("Please update the OpOverloadPacket to a specific OpOverload.For example, if you "
             "have `torch.ops.aten.mm`, change it to `torch.ops.aten.mm.default`."
             if is_packet else "")
    return ValueError(f"Expected op in `op_list` to be an OpOverload but got: {op} of type "
                      f"{type(op)}. {extra}")


def sac_policy_type():
    return TypeError("policy_fn_or_list must be either a function or a list of ops.")


def sac_op_not_stored(func):
    return RuntimeError(f"{func} encountered during backward but not found in storage. "
                        f"{_SAC_MISMATCH}")


def sac_index_not_stored(func, idx):
    return RuntimeError(f"{func} invocation index {idx} encountered during backward but not "
                        f"found in storage. {_SAC_MISMATCH}")


def sac_backward_twice():
    return RuntimeError("Trying to backward an extra time. You are only allowed to backward once "
                        "on any region computed under selective activation checkpoint.")


def sac_cached_mutated():
    return RuntimeError("Tensor cached during selective activation checkpoint has been mutated")


def pytree_dataclass_field_names(cls):
    return ValueError(f"field_names must be specified with a list of all fields used to "
                      f"initialize {cls}, as it is not a dataclass.")


def pytree_dataclass_fields_mismatch(missing, unexpected):
    msg = "field_names does not include all dataclass fields.\n"
    if missing:
        msg += (f"Missing fields in `field_names`: {missing}. If you want to include these "
                "fields in the pytree, please add them to `field_names`, otherwise please add "
                "them to `drop_field_names`.\n")
    if unexpected:
        msg += (f"Unexpected fields in `field_names`: {unexpected}. Please remove these "
                "fields, or add them to `drop_field_names`.\n")
    return ValueError(msg)


def pytree_constant_default(method):
    return TypeError(f"register_constant(cls) expects `cls` to have a non-default `{method}` "
                     "implementation.")


def pytree_not_constant_spec():
    return AssertionError("spec does not correspond to a registered constant pytree")


def pytree_treespec_children(kind, children):
    return ValueError(f"Expected a {kind} of TreeSpec values, got: {children!r}.")


def pytree_deprecated(name, instead):
    return FutureWarning(f"`{name}` is deprecated. Please use `{instead}` instead.")


# ---- torch.utils.swap_tensors ---------------------------------------------------------------
def swap_tensors_weakref(name):
    return RuntimeError(f"Cannot swap {name} because it has weakref associated with it")


def swap_tensors_slots():
    return RuntimeError("Cannot swap t1 and t2 if they have different slots")


def swap_tensors_poisoned():
    return RuntimeError(
        "Trying to execute AccumulateGrad node that was poisoned by swap_tensors this can happen "
        "when you try to run backward on a tensor that was swapped. For a module m with "
        "`torch.__future__.set_swap_module_params_on_conversion(True)` you should not change "
        "the device or dtype of the module (e.g. `m.cpu()` or `m.half()`) between running "
        "forward and backward. To resolve this, please only change the device/dtype before "
        "running forward (or after both forward and backward).")


def swap_apply_failed(where):
    return RuntimeError(f"_apply(): Couldn't swap {where}")
