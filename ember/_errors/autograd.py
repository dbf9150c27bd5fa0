"""Autograd: backward, grad, graph nodes, hooks, custom Functions, gradcheck."""
from .base import _CPP_TYPE, _LEGACY, legacy_scalar_type, size_text


# ---- autograd -------------------------------------------------------------------------------
NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")


def requires_grad_non_leaf():
    return RuntimeError("you can only change requires_grad flags of leaf variables. If you want "
                        "to use a computed variable in a subgraph that doesn't require "
                        "differentiation use var_no_grad = var.detach().")


def inference_version():
    return RuntimeError("Inference tensors do not track version counter.")


def inference_inplace():
    return RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                        "allowed.You can make a clone to get a normal tensor before doing "
                        "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
                        "details.")


def inference_tensor_saved():
    return RuntimeError("Inference tensors cannot be saved for backward. Please do not use "
                        "Tensors created in inference mode in computation tracked by autograd. "
                        "To work around this, you can make a clone to get a normal tensor and "
                        "use it in autograd, or use `torch.no_grad()` instead of "
                        "`torch.inference_mode()`.")


def inference_requires_grad():
    return RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode "
                        "is not allowed.")


def requires_grad_dtype(method=False):
    """PyTorch's wording differs: ``requires_grad_()`` (``method``) omits complex, the
    ``requires_grad`` attribute names it (factories: ``factory_requires_grad_dtype``)."""
    kinds = "floating point" if method else "floating point and complex"
    return RuntimeError(f"only Tensors of {kinds} dtype can require gradients")


def grad_assign_dtype(value_dtype, grad_dtype):
    return RuntimeError(
        f"attempting to assign a gradient with dtype '{_CPP_TYPE[value_dtype.name]}' to a tensor "
        f"with grad_dtype '{legacy_scalar_type(grad_dtype)}'. The gradient must match the "
        "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
        "grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype "
        "with caution. Diverging the dtypes of a tensor and its gradient may break downstream "
        "systems that assume they match.")


def grad_assign_device(value_device, device):
    return RuntimeError(f"attempting to assign a gradient with device type '{value_device.type}' "
                        f"to a tensor with device type '{device.type}'. Please ensure that the "
                        "gradient and the tensor are on the same device")


def grad_assign_size(value_shape, shape):
    return RuntimeError(f"attempting to assign a gradient of size '{list(value_shape)}' to a "
                        f"tensor of size '{list(shape)}'. Please ensure that the gradient and the "
                        "tensor are the same size")


def grad_dtype_not_leaf(verb):
    return RuntimeError(f"grad_dtype can only be {verb} on leaf tensors.")


def grad_dtype_conflict(new, grad_dtype):
    return RuntimeError(
        f"Cannot set grad_dtype to '{legacy_scalar_type(new)}' because there is already a "
        f"gradient with dtype '{_CPP_TYPE[grad_dtype.name]}'. Please clear the gradient (.grad = "
        "None) before changing grad_dtype, or ensure the new grad_dtype matches the existing "
        "gradient's dtype.")


def backward_twice():
    return RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors "
        "after they have already been freed). Saved intermediate values of the graph are freed "
        "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
        "backward through the graph a second time or if you need to access saved tensors after "
        "calling backward.")


def saved_modified(t, owner, nr, expected):
    """``owner`` is the node whose output the saved tensor is (None for a leaf)."""
    import re
    kind = "torch.cuda." if t._device.type == "cuda" else "torch."
    shape = ", ".join(map(str, t._data.shape))
    which = ""
    if owner is not None:
        which = f", which is output {nr} of {re.sub(r'Backward[0-9]*$', '', owner.name())},"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{kind}{_LEGACY[t._dtype.name]} [{shape}]]{which} is at version "
        f"{t._vc[0]}; expected version {expected} instead. Hint: enable anomaly detection "
        "to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


CREATE_GRAPH_CYCLE_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to "
    "reset the .grad fields of your parameters to None after use to break the cycle and avoid "
    "the leak.")


def implicit_grad_non_scalar():
    return RuntimeError("grad can be implicitly created only for scalar outputs")


def grad_shape_mismatch(i, g, out):
    return RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                        f"{size_text(g._data.shape)} and output[{i}] has a shape of "
                        f"{size_text(out._data.shape)}.")


def no_grad_fn(i):
    return RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                        "grad_fn")


def grad_unused_input(i=None):
    return RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in "
                        "the graph. Set allow_unused=True if this is the desired behavior.")


def inplace_on_leaf():
    return RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                        "operation.")


def inplace_on_no_grad_view():
    return RuntimeError("A view was created in no_grad mode and is being modified inplace with "
                        "grad mode enabled. Given that this use case is ambiguous and error-prone, "
                        "it is forbidden. You can clarify your code by moving both the view and "
                        "the inplace either both inside the no_grad block (if you don't want the "
                        "inplace to be tracked) or both outside (if you want the inplace to be "
                        "tracked).")


def inplace_on_leaf_view():
    return RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation.")


def inplace_overlap():
    return RuntimeError("unsupported operation: more than one element of the written-to tensor "
                        "refers to a single memory location. Please clone() the tensor before "
                        "performing the operation.")


def backward_not_tensor():
    return AssertionError("Expected output to be a torch.Tensor")


def backward_empty_inputs():
    return RuntimeError("`inputs` argument to `backward()` cannot be empty.")


def grad_input_not_requiring_grad():
    return RuntimeError("One of the differentiated Tensors does not require grad")


def gradient_edge_without_grad():
    return RuntimeError("It is not possible to get the gradient edge for a Tensor that does not "
                        "require gradients")


def materialize_gradient_edge():
    return RuntimeError("materialize_grads cannot be used when the given input is a GradientEdge")


def hook_without_grad():
    return RuntimeError("cannot register a hook on a tensor that doesn't require gradient")


def multi_grad_hook_mode(modes, mode):
    return ValueError(f"Expects mode to be one of {modes} but got {mode}")


def multi_grad_hook_no_grad_fn():
    return AssertionError("Expected gradient function to be set")


def multi_grad_hook_outside_backward():
    return AssertionError("expected this hook to be called inside a backward call")


def will_execute_outside_backward():
    return RuntimeError("_get_should_execute_nodes should only be called during the backward "
                        "pass")


def will_execute_leaf_in_grad():
    return RuntimeError("A leaf node was passed to _will_engine_execute_node but we are currently "
                        "running autograd.grad(). This is currently not supported.")


def will_execute_not_a_node(value):
    return RuntimeError(f"_will_engine_execute_node expects an grad_fn, but got "
                        f"{type(value).__name__}")


def post_accumulate_hook_non_leaf():
    return RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")


def retain_grad_without_grad():
    return RuntimeError("can't retain_grad on Tensor that has requires_grad=False")


def variable_data(data):
    return TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")


def deepcopy_non_leaf():
    return RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                        "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                        "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                        "https://github.com/pytorch/pytorch/pull/103001")


def class_decoration_warning():
    return ("Decorating classes is deprecated and will be disabled in future versions. You should "
            "only decorate functions or methods. To preserve the current behavior of class "
            "decoration, you can directly decorate the `__init__` method and nothing else.")


def anomaly_enabled_warning():
    return ("Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.")


def anomaly_nan(node, i):
    return RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def anomaly_trace_warning(node):
    return f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n" \
        + "".join(node._trace)


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when a check fails."""


def gradcheck_jacobian_mismatch(output, input, numerical, analytical):
    return GradcheckError(f"Jacobian mismatch for output {output} with respect to input {input},\n"
                          f"numerical:{numerical}\nanalytical:{analytical}\n")


def gradcheck_no_input():
    return ValueError("gradcheck expects at least one input tensor to require gradient, but none "
                      "of them have requires_grad=True.")


def gradcheck_precision_warning(i):
    return (f"Input #{i} requires gradient and is not a double precision floating point or "
            "complex. This check will likely fail if all the inputs are not of double precision "
            "floating point or complex. ")


# custom autograd.Function
def function_grad_count(node, expected, got):
    return RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                        f"(expected {expected}, got {got})")


def function_grad_shape(node, index, got, expected):
    return RuntimeError(f"Function {node.name()} returned an invalid gradient at index {index} - "
                        f"got {list(got)} but expected shape compatible with {list(expected)}")


def function_grad_not_variable(node, pos):
    return RuntimeError(f"function {node.name()} returned a gradient different than None at "
                        f"position {pos}, but the corresponding forward input was not a Variable")


def function_instantiated_warning(cls):
    return (f"{cls} should not be instantiated. Methods on autograd functions are all static, so "
            "you should invoke them on the class itself. Instantiating an autograd function will "
            "raise an error in a future version of PyTorch.")


def function_legacy_call():
    return RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                        "Please use new-style autograd function with static forward method. "
                        "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd."
                        "Function)")


def function_not_implemented(what):
    texts = {
        "forward": "You must implement the forward function for custom autograd.Function.",
        "setup_context": "setup_context is not implemented.",
        "backward": "You must implement either the backward or vjp method for your custom "
                    "autograd.Function to use it with backward mode AD.",
        "jvp": "You must implement the jvp function for custom autograd.Function to use it with "
               "forward mode AD.",
        "vmap": "To use autograd.Function with vmap, you must either override the vmap "
                "staticmethod or set generate_vmap_rule=True.",
    }
    return NotImplementedError(texts[what])


def function_dirty_leaf():
    return RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                        "operation.")


def once_differentiable_twice():
    return RuntimeError("trying to differentiate twice a function that was marked with "
                        "@once_differentiable")


# autograd.functional
def functional_arg_type(arg_name, fn_name, value, index=None):
    which = f"the given {arg_name}" if index is None else f"the value at index {index}"
    return TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                     f"Tensors but {which} has type {type(value)}.")


def functional_v_none(of_inputs):
    if of_inputs:
        return RuntimeError("The vector v can only be None if the input to the user-provided "
                            "function is a single Tensor with a single element.")
    return RuntimeError("The vector v can only be None if the user-provided function returns a "
                        "single Tensor with a single element.")


def functional_v_length(expected, got, as_tuple):
    if not as_tuple:
        return RuntimeError("The given v should contain a single Tensor.")
    return RuntimeError(f"v is a tuple of invalid length: should be {expected} but got {got}.")


def functional_v_size(i, expected, got, as_tuple):
    entry = f"Entry {i} in " if as_tuple else ""
    return RuntimeError(f"{entry}v has invalid size: should be {expected} but got {got}.")


def functional_independent(i, output=None):
    what = "The output" if output is None else f"Output {output}"
    return RuntimeError(f"{what} of the user-provided function is independent of input {i}. This "
                        "is not allowed in strict mode.")


def functional_output_no_grad(i):
    return RuntimeError(f"Output {i} of the user-provided function does not require gradients. "
                        "The outputs must be computed in a differentiable manner from the input "
                        "when running in strict mode.")


def functional_strategy(hessian=False):
    hint = "" if hessian else (
        ' Hint: If your function has more outputs than inputs, "forward-mode" tends to be more '
        'performant. Otherwise, prefer to use "reverse-mode".')
    return AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".'
                          + hint)


def functional_forward_mode_create_graph():
    return NotImplementedError(
        "torch.autograd.functional.jacobian: `create_graph=True` and "
        '`strategy="forward-mode"` are not supported together (yet). Please either set '
        '`create_graph=False` or `strategy="reverse-mode"`.')


def functional_forward_mode_not_vectorized():
    # torch's message lacks the space between "is" and "only"
    return NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse "
                               "Hessian isonly implemented for `vectorize=True`.")


def functional_vectorize_strict():
    return RuntimeError("torch.autograd.functional.jacobian: `strict=True` and "
                        "`vectorized=True` are not supported together. Please either set "
                        "`strict=False` or `vectorize=False`.")


def functional_scalar_output(fn_name, is_tuple):
    if is_tuple:
        return RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    return RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain "
                        "a single element")


def saved_tensors_hooks_disabled(message):
    return RuntimeError(message)


def queue_callback_outside_backward():
    return RuntimeError("Final callbacks can only be installed during backward pass.")
