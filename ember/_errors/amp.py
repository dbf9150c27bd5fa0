"""amp: autocast and GradScaler."""


def autocast_device_type(device_type):
    return ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


def autocast_unsupported_device(device_type):
    return RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")


def autocast_not_callable(func):
    return TypeError(
        f"autocast()(func) requires a callable, but got {type(func).__name__}. "
        "Did you mean to use autocast as a context manager? For example:\n"
        "    with torch.autocast(device_type=...):\n"
        "        output = model(input)")


def autocast_dtype_unsupported_message(device_name, supported):
    return (f"In {device_name} autocast, but the target dtype is not supported. Disabling "
            f"autocast.\n{device_name} Autocast only supports dtypes of "
            + ", ".join(map(str, supported)) + " currently.")


AUTOCAST_NO_CUDA = "CUDA is not available or torch_xla is imported. Disabling autocast."
GRAD_SCALER_NO_CUDA = "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."


def autocast_bf16_unsupported():
    return RuntimeError("Current CUDA Device does not support bfloat16. Please switch dtype to "
                        "float16.")


def autocast_prioritize():
    return RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")


def autocast_bce_banned():
    return RuntimeError(
        "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
        "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
        "In this case, combine the two layers using "
        "torch.nn.functional.binary_cross_entropy_with_logits\n"
        "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
        "safe to autocast.")


def amp_deprecated(old, new_call):
    """The FutureWarning text of the deprecated ``torch.cuda.amp`` / ``torch.cpu.amp`` names."""
    return f"`{old}(args...)` is deprecated. Please use `{new_call}` instead."


def scaler_growth_factor():
    return AssertionError("The growth factor must be > 1.0.")


def scaler_backoff_factor():
    return AssertionError("The backoff factor must be < 1.0.")


def scaler_scale_none(funcname):
    return AssertionError(f"Attempted {funcname} but _scale is None.  This may indicate your "
                          "script did not use scaler.scale(loss or outputs) earlier in the "
                          "iteration.")


def scaler_outputs_type():
    return ValueError("outputs must be a Tensor or an iterable of Tensors")


def scaler_unscale_twice():
    return RuntimeError("unscale_() has already been called on this optimizer since the last "
                        "update().")


def scaler_unscale_after_step():
    return RuntimeError("unscale_() is being called after step().")


def scaler_fp16_grads():
    return ValueError("Attempting to unscale FP16 gradients.")


def scaler_closure():
    return RuntimeError("Closure use is not currently supported if GradScaler is enabled.")


def scaler_step_twice():
    return RuntimeError("step() has already been called since the last update().")


def scaler_no_inf_checks(prior_to_update=False):
    return AssertionError("No inf checks were recorded prior to update." if prior_to_update
                          else "No inf checks were recorded for this optimizer.")


def scaler_new_scale():
    return AssertionError("new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                          "torch.FloatTensor with requires_grad=False.")


def scaler_empty_state_dict():
    return RuntimeError("The source state dict is empty, possibly because it was saved from a "
                        "disabled instance of GradScaler.")


def scaler_pickle_mid_iteration():
    return AssertionError("A GradScaler instance may only be pickled at the beginning of an "
                          "iteration, or at the end after scaler.update().")


def autocast_legacy_deprecated(old, new_call):
    """The DeprecationWarning text of ``torch.is_autocast_cpu_enabled()`` and its kin."""
    return f"torch.{old} is deprecated. Please use torch.{new_call} instead."
