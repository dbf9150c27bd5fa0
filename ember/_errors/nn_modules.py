"""nn modules, parameters, state_dict loading and nn.init."""

# ---- nn modules and parameters ---------------------------------------------------------------
def softmax2d_dims(input):
    return ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                      "instead")


def hardtanh_value_deprecated(bound):
    return FutureWarning(f"keyword argument `{bound}_value` is deprecated and renamed to "
                         f"`{bound}_val`")


def container_index_out_of_range(idx):
    return IndexError(f"index {idx} is out of range")


def sequential_mul_type(self, other):
    return TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")


def sequential_mul_factor(other, self):
    return ValueError(f"Non-positive multiplication factor {other} for {type(self)}")


def parameter_container_called(kind):
    return RuntimeError(f"{kind} should not be called.")


def container_deprecated():
    return FutureWarning("`nn.Container` is deprecated. All of its functionality is now "
                         "implemented in `nn.Module`. Subclass that instead.")


def sequential_add_type(other):
    return ValueError("add operator supports only objects of Sequential class, but "
                      f"{str(type(other))} is given.")


def module_type_assert(module_cls):
    return AssertionError(f"module should be of type: {module_cls}")


def module_list_index(index):
    return IndexError(f"Index out of range: {index}")


def container_extend_type(container, value):
    return TypeError(f"{container}.extend should be called with an iterable, but got " +
                     type(value).__name__)


def update_element_not_iterable(what, j, p):
    return TypeError(f"{what} update sequence element #{j} should be Iterable; is" +
                     type(p).__name__)


def update_element_length(what, j, p):
    return ValueError(f"{what} update sequence element #{j} has length {len(p)}; 2 is "
                      "required")


def container_update_type(container, value):
    """``container``: as torch spells it (``"ParametersDict"`` for ``ParameterDict``)."""
    return TypeError(f"{container}.update should be called with an iterable of key/value "
                     "pairs, but got " + type(value).__name__)


def parameterdict_key_type(key):
    return TypeError("Index given to ParameterDict cannot be used as a key as it is not a "
                     f"string (type is '{type(key).__name__}'). Open an issue on github if "
                     "you need non-string keys.")


def conv_groups_positive():
    return ValueError("groups must be a positive integer")


def conv_channels_groups(which):
    return ValueError(f"{which} must be divisible by groups")


def conv_padding_mode_invalid(padding_modes, padding_mode):
    return ValueError(f"padding_mode must be one of {padding_modes}, but got "
                      f"padding_mode='{padding_mode}'")


def conv_transpose_padding_mode(self):
    return ValueError(f'Only "zeros" padding mode is supported for '
                      f"{type(self).__name__}")


def conv_transpose_output_size_len(input, n, lead, output_size):
    return ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must "
                      f"have {n} or {lead + n} elements (got {len(output_size)})")


def conv_padding_string_invalid(padding):
    return ValueError(f"Invalid padding string {padding!r}, should be one of "
                      f"{ {'valid', 'same'} }")


def conv_transpose_output_size_range(input, output_size, lo, hi, lead):
    return ValueError(f"requested an output size of {output_size}, but valid sizes "
                      f"range from {lo} to {hi} (for an input of "
                      f"{list(input.shape)[lead:]})")


def unflatten_size_type(value):
    return TypeError(f"unflattened_size must be a tuple of ints, but found type "
                     f"{type(value).__name__}")


def unflatten_dim_type():
    return TypeError("invalid argument type for dim parameter")


def unflatten_size_element(i, e):
    return TypeError("unflattened_size must be tuple of ints, but found element "
                     f"of type {type(e).__name__} at pos {i}")


def instance_norm_features_warning(feature_dim):
    return UserWarning(f"input's size at dim={feature_dim} does not match num_features. You "
                       "can silence this warning by not passing in num_features, which is not "
                       "used because affine=False")


def triplet_margin_positive(loss, margin):
    return ValueError(f"{loss}: expected margin to be greater than 0, got {margin} instead")


def multi_margin_weight_arg(weight):
    return ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got "
                      f"{weight.dim()}D instead")


def module_forward_missing(self):
    return NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" '
                               "function")


def global_backward_hooks_mixed():
    return RuntimeError("Cannot use both regular backward hooks and full backward hooks as a "
                        "global Module hook. Please use only one of them.")


def get_extra_state_unreachable():
    return RuntimeError("Reached a code path in Module.get_extra_state() that should never be "
                        "called. Please file an issue at https://github.com/pytorch/pytorch/"
                        "issues/new?template=bug-report.yml to report this bug.")


def set_extra_state_unreachable():
    return RuntimeError("Reached a code path in Module.set_extra_state() that should never be "
                        "called. Please file an issue at https://github.com/pytorch/pytorch/"
                        "issues/new?template=bug-report.yml to report this bug.")


def module_attribute_missing(name, self):
    return AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


def module_init_kwargs(self, kwargs):
    return TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                     f"argument '{next(iter(kwargs))}'")


def module_init_args(self, args):
    return TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                     f"{len(args) + 1} were given")


def buffer_before_init():
    return AttributeError("cannot assign buffer before Module.__init__() call")


def buffer_name_type(name_type):
    return TypeError(f"buffer name should be a string. Got {name_type}")


def buffer_name_dot():
    return KeyError('buffer name can\'t contain "."')


def buffer_name_empty():
    return KeyError('buffer name can\'t be empty string ""')


def attribute_exists(name):
    return KeyError(f"attribute '{name}' already exists")


def buffer_type(tensor_type, name):
    return TypeError(f"cannot assign '{tensor_type}' object to buffer '{name}' "
                     "(torch Tensor or None required)")


def parameter_before_init():
    return AttributeError("cannot assign parameter before Module.__init__() call")


def parameter_name_type(name_type):
    return TypeError(f"parameter name should be a string. Got {name_type}")


def parameter_name_dot():
    return KeyError('parameter name can\'t contain "."')


def parameter_name_empty():
    return KeyError('parameter name can\'t be empty string ""')


def parameter_type(param_type, name):
    return TypeError(f"cannot assign '{param_type}' object to parameter '{name}' "
                     "(torch.nn.Parameter or None required)")


def parameter_non_leaf(name):
    return ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                      f"parameters must be created explicitly. To express '{name}' as a "
                      "function of another Tensor, compute the value in the forward() "
                      "method.")


def not_a_module(module_type):
    return TypeError(f"{module_type} is not a Module subclass")


def module_name_type(name_type):
    return TypeError(f"module name should be a string. Got {name_type}")


def module_name_dot(name):
    return KeyError(f'module name can\'t contain ".", got: {name}')


def module_name_empty():
    return KeyError('module name can\'t be empty string ""')


def set_submodule_no_target():
    return ValueError("Cannot set the submodule without a target name!")


def set_submodule_not_module(module):
    return ValueError(f"`module` is not an nn.Module, found {type(module)}")


def set_submodule_missing(atoms, parent):
    return AttributeError(parent._get_name() + " has no attribute `" + atoms[-1] + "`")


def set_submodule_not_module_attr(atoms):
    return AttributeError("`" + atoms[-1] + "` is not an nn.Module")


def get_member_missing(name, mod):
    return AttributeError(mod._get_name() + " has no attribute `" + name + "`")


def get_member_wrong_type(what, name):
    return AttributeError("`" + name + "` is not " + what)


def module_backward_hooks_mixed():
    return RuntimeError("Cannot use both regular backward hooks and full backward hooks on "
                        "a single Module. Please use only one of them.")


def state_dict_post_hook_registered():
    return RuntimeError("Cannot register the same function as the state dict post hook "
                        "that was previously registered via register_state_dict_post_hook")


def state_dict_type(state_dict):
    return TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")


def load_state_dict_errors(cls_name, error_msgs):
    return RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
        cls_name, "\n\t".join(error_msgs)))


def train_mode_type():
    return ValueError("training mode is expected to be boolean")


def dead_module_hook_call():
    return RuntimeError("You are trying to call the hook of a dead Module!")


def dead_module_hook_revive():
    return RuntimeError("You are trying to revive the hook of a dead Module!")


def get_submodule_not_module(item):
    return AttributeError("`" + item + "` is not an nn.Module")


def module_to_dtype(dtype):
    return TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                     f"got desired dtype={dtype}")


def parameters_before_init():
    return AttributeError("cannot assign parameters before Module.__init__() call")


def state_dict_positional_args():
    return FutureWarning("Positional args are being deprecated, use kwargs instead. Refer to "
                         "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn."
                         "Module.state_dict for details.")


def data_parallel_zero_grad():
    return UserWarning("Calling .zero_grad() from a module created with nn.DataParallel() has "
                       "no effect. The parameters are copied (in a differentiable manner) from "
                       "the original module. This means they are not leaf nodes in autograd "
                       "and so don't accumulate gradients. If you need gradients in your "
                       "forward method, consider using autograd.grad instead.")


def backward_hook_count(hook, grads, got, expected):
    """``hook``: ``"hook"`` (returning ``grad_input``) or ``"pre hook"`` (``grad_output``)."""
    return RuntimeError(f"Backward {hook} returned an invalid number of {grads}, got {len(got)}, "
                        f"but expected {len(expected)}")


def complex_modules_warning():
    return UserWarning("Complex modules are a new feature under active development whose "
                       "design may change, and some modules might not work as expected "
                       "when using complex tensors as parameters or buffers. Please file "
                       "an issue at https://github.com/pytorch/pytorch/issues/new?template="
                       "bug-report.yml if a complex module does not work as expected.")


def assign_parameter_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as parameter '{name}' "
                     "(torch.nn.Parameter or None expected)")


def state_dict_post_hook_return():
    return RuntimeError("state_dict post-hook must return None")


def load_state_dict_post_hook_return():
    return AssertionError("Hooks registered with "
                          "``register_load_state_dict_post_hook`` are not expected "
                          "to return new values, if incompatible_keys need to be "
                          "modified, it should be done inplace.")


def full_backward_hook_outputs_warning():
    return UserWarning("Full backward hook is firing when gradients are computed with "
                       "respect to module outputs since no inputs require gradients. "
                       "See https://docs.pytorch.org/docs/main/generated/torch.nn."
                       "Module.html#torch.nn.Module.register_full_backward_hook for "
                       "more details.")


def forward_pre_hook_return(result):
    return RuntimeError("forward pre-hook must return None or a tuple of "
                        f"(new_args, new_kwargs), but got {result}.")


def backward_hook_output_type(result):
    return UserWarning("For backward hooks to be called, module output should be a "
                       f"Tensor or a tuple of Tensors but received {type(result)}")


def module_before_init():
    return AttributeError("cannot assign module before Module.__init__() call")


def backward_hook_no_grad_inputs_return():
    return RuntimeError("Backward hook for Modules where no input "
                        "requires gradient should always return None or "
                        "None for all gradients.")


def assign_module_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as child module "
                     f"'{name}' (torch.nn.Module or None expected)")


def always_call_hook_silenced(what, e):
    return UserWarning(f"{what} with ``always_call=True`` raised an exception that "
                       f"was silenced as another error was raised in forward: "
                       f"{str(e)}")


def assign_buffer_type(value_type, name):
    return TypeError(f"cannot assign '{value_type}' as buffer '{name}' "
                     "(torch.nn.Buffer, torch.Tensor or None expected)")


def group_norm_num_channels(num_channels, num_groups):
    return ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                      f"({num_groups})")


def rnn_arg_type(name, kind, value):
    return TypeError(f"{name} should be of type {kind.__name__}, got: "
                     f"{type(value).__name__}")


def rnn_mode_unknown(mode):
    return ValueError("Unrecognized RNN mode: " + mode)


def rnn_dropout_range():
    return ValueError("dropout should be a number in range [0, 1] representing the "
                      "probability of an element being zeroed")


def rnn_size_positive(name):
    return ValueError(f"{name} must be greater than zero")


def rnn_num_layers():
    return ValueError("num_layers must be greater than zero")


def rnn_proj_size_negative():
    return ValueError("proj_size should be a positive integer or zero to disable "
                      "projections")


def rnn_proj_size_too_big():
    return ValueError("proj_size has to be smaller than hidden_size")


def rnn_dtype_mismatch(input, wdt):
    return ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                      f"({wdt}). Convert input: input.to({wdt}), or convert model: "
                      f"model.to({input.dtype})")


def rnn_input_dims(input, expected):
    return RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")


def rnn_input_size_mismatch(input, input_size):
    return RuntimeError("input.size(-1) must be equal to input_size. Expected "
                        f"{input_size}, got {input.size(-1)}")


def rnn_hx_dims(kind, want, hx):
    return RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                        f"{hx.dim()}-D tensor")


def rnn_proj_size_unsupported():
    return ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


def lstm_hx_dims(kind, want, hx):
    return RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                        f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")


def rnn_cell_dims(name, what, t):
    return ValueError(f"{name}: Expected {what} to be 1D or 2D, got {t.dim()}D instead")


def rnn_nonlinearity_unknown(nonlinearity):
    return RuntimeError(f"Unknown nonlinearity: {nonlinearity}")


def rnn_dropout_single_layer(dropout, num_layers):
    return UserWarning("dropout option adds dropout after all but last recurrent layer, so "
                       "non-zero dropout expects num_layers greater than 1, but got "
                       f"dropout={dropout} and num_layers={num_layers}")


def rnn_input_dims_value(name, got):
    return ValueError(f"{name}: Expected input to be 2D or 3D, got {got} instead")


def rnn_nonlinearity_invalid(nonlinearity):
    return ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                      "or 'relu'.")


def transformer_activation(activation):
    return RuntimeError(f"activation should be relu/gelu, not {activation}")


def mha_embed_dim_positive(embed_dim, num_heads):
    return ValueError(f"embed_dim and num_heads must be greater than 0, got "
                      f"embed_dim={embed_dim} and num_heads={num_heads} instead")


def mha_embed_dim_heads():
    return AssertionError("embed_dim must be divisible by num_heads")


def transformer_batch_mismatch():
    return RuntimeError("the batch number of src and tgt must be equal")


def transformer_feature_mismatch():
    return RuntimeError("the feature number of src and tgt must be equal to d_model")


def nested_tensor_disabled(why):
    return UserWarning(f"enable_nested_tensor is True, but self.use_nested_tensor is False "
                       f"because {why}")


def uninitialized_share_memory():
    return RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call "
                        "`forward` to initialize the parameters before calling "
                        "`module.share_memory()`.")


def non_full_backward_hook(case):
    """FutureWarning for a non-full Module backward hook that would see partial gradients."""
    deprecated = (" is deprecated and will be removed in future versions. This hook will be "
                  "missing some ")
    use_full = " Please use register_full_backward_hook to get the documented behavior."
    when = "Using a non-full backward hook when "
    what, grads, tail = {
        "output_type": ("Using non-full backward hooks on a Module that does not return a single "
                        "Tensor or a tuple of Tensors", "of the grad_output.", use_full),
        "input_type": ("Using non-full backward hooks on a Module that does not take as input a "
                       "single Tensor or a tuple of Tensors", "of the grad_input.", use_full),
        "nested_outputs": (when + "outputs are nested in python data structure", "grad_output.",
                           ""),
        "multiple_output_nodes": (when + "outputs are generated by different autograd Nodes",
                                  "grad_output.", use_full),
        "multiple_nodes": (when + "the forward contains multiple autograd Nodes", "grad_input.",
                           use_full),
    }[case]
    return FutureWarning(what + deprecated + grads + tail)


def uninitialized_use(op, cls_name):
    return ValueError(
        f"Attempted to use an uninitialized parameter in <method '{op}' of "
        "'torch._C.TensorBase' objects>. This error happens when you are using a `LazyModule` "
        f"or explicitly manipulating `torch.nn.parameter.{cls_name}` objects. When using "
        "LazyModules Call `forward` with a dummy batch to initialize the parameters before "
        "calling torch functions")


def uninitialized_shape():
    return RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This "
                        "error usually happens in `load_state_dict` when trying to load an "
                        "uninitialized parameter into an initialized one. Call `forward` to "
                        "initialize the parameters before accessing their attributes.")


def padding_idx_range():
    return AssertionError("Padding_idx must be within num_embeddings")


def embedding_weight_shape():
    return AssertionError("Shape of weight does not match num_embeddings and embedding_dim")


def embeddings_not_2d():
    return AssertionError("Embeddings parameter is expected to be 2-dimensional")


# ---- nn.init ---------------------------------------------------------------------------------
def init_negative_slope(param):
    return ValueError(f"negative_slope {param} not a valid number")


def init_nonlinearity(nonlinearity):
    return ValueError(f"Unsupported nonlinearity {nonlinearity}")


def init_dims(dims):
    return ValueError(f"Only tensors with {dims} dimensions are supported")


def init_dirac_groups():
    return ValueError("dim 0 must be divisible by groups")


def init_fan_dims():
    return ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                      "dimensions")


def init_fan_mode(mode, valid_modes):
    return ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")


def trunc_normal_mean_warning():
    return UserWarning("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                       "distribution of values may be incorrect.")


def init_zero_element_warning():
    return UserWarning("Initializing zero-element tensors is a no-op")


def renamed_deprecated(old, new):
    """An old spelling kept as an alias (``nn.init.uniform``, ``clip_grad_norm``)."""
    return FutureWarning(f"`{old}` is now deprecated in favor of `{new}`.")
