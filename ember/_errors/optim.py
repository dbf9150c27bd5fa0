"""optim: optimizers, lr schedulers, SWA."""

# ---- optim: optimizers, lr schedulers, SWA ---------------------------------------------------
def invalid_rho(rho):
    return ValueError(f"Invalid rho value: {rho}")


def fused_differentiable():
    return RuntimeError("`fused` does not support `differentiable`")


def fused_foreach():
    return RuntimeError("`fused` and `foreach` cannot be `True` together.")


def betas_mixed_types():
    return ValueError("betas must be either both floats or both Tensors")


def betas_tensor_size(i):
    return ValueError(f"Tensor betas[{i}] must be 1-element")


def lbfgs_param_groups():
    return ValueError("LBFGS doesn't support per-parameter options (parameter groups)")


def lbfgs_line_search():
    return RuntimeError("only 'strong_wolfe' is supported")


def scheduler_not_optimizer(optimizer):
    return TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def cyclic_momentum_unsupported():
    return ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                      "option enabled")


def anneal_func_type_unknown(anneal_func_type):
    return ValueError(f"Unknown _anneal_func_type: {anneal_func_type}")


def scheduler_param_length(name, param, optimizer):
    return ValueError(f"{name} must have the same length as optimizer.param_groups. "
                      f"{name} has {len(param)} values, param_groups has "
                      f"{len(optimizer.param_groups)}.")


def get_lr_warning():
    return UserWarning("To get the last learning rate computed by the scheduler, please use "
                       "`get_last_lr()`.")


# Also public as torch.optim.lr_scheduler.EPOCH_DEPRECATION_WARNING.
EPOCH_DEPRECATION = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available. Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose.")


def epoch_deprecation_warning():
    return UserWarning(EPOCH_DEPRECATION)


def factor_range(which):
    return ValueError(f"{which} multiplicative factor expected to be between 0 and 1.")


def linear_start_factor_range():
    return ValueError("Starting multiplicative factor expected to be greater than 0 and "
                      "less or equal to 1.")


def scheduler_without_optimizer(name, idx):
    return TypeError(f"{name} at index {idx} should have `optimizer` as its attribute.")


def scheduler_plateau_unsupported(name, idx):
    return ValueError(f"{name} does not support `ReduceLROnPlateau` scheduler as it "
                      "requires additional kwargs to be specified when calling `step`, "
                      f"but got one at index {idx} in the given schedulers sequence.")


def schedulers_optimizer_mismatch(name, idx, scheduler, optimizer):
    return ValueError(f"{name} expects all schedulers to belong to the same optimizer, "
                      f"but got scheduler {scheduler.__class__.__name__} at index {idx} "
                      f"has {scheduler.optimizer}, which is different from "
                      f"{optimizer.__class__.__name__}.")


def sequential_no_schedulers(cls_name):
    return ValueError(f"{cls_name} expects at least one scheduler, but got "
                      "no scheduler.")


def sequential_milestones_count(schedulers, milestones):
    return ValueError("Sequential Schedulers expects number of schedulers provided to be "
                      "one more than the number of milestone points, but got number of "
                      f"schedulers {len(schedulers)} and the number of milestones to be "
                      f"equal to {len(milestones)}")


def chained_no_schedulers(cls_name):
    return ValueError(f"{cls_name} expects at least one scheduler to be "
                      "chained, but got no scheduler.")


def plateau_factor():
    return ValueError("Factor should be < 1.0.")


def plateau_mode_unknown(mode):
    return ValueError("mode " + mode + " is unknown!")


def plateau_threshold_mode_unknown(threshold_mode):
    return ValueError("threshold mode " + threshold_mode + " is unknown!")


def cyclic_mode_invalid():
    return ValueError("mode is invalid and scale_fn is None")


def positive_integer(name, value):
    """A scheduler's count (``T_0``, ``total_steps``, ``epochs``, ``steps_per_epoch``)."""
    return ValueError(f"Expected positive integer {name}, but got {value}")


def warm_restarts_t_mult(T_mult):
    return ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")


def warm_restarts_eta_min(eta_min):
    return ValueError(f"Expected float or int eta_min, but got {eta_min} of type "
                      f"{type(eta_min)}")


def one_cycle_pct_start(pct_start):
    return ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")


def anneal_strategy_invalid(anneal_strategy):
    return ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                      f"{anneal_strategy}")


def one_cycle_step_overflow(step_num, total_steps):
    return ValueError(f"Tried to step {step_num} times. The specified number of total "
                      f"steps is {total_steps}")


def lambda_count(lr_lambda, optimizer):
    return ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                      f"{len(lr_lambda)}")


def lr_lambda_type(fn):
    return TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")


def plateau_min_lrs_count(min_lr, optimizer):
    return ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got "
                      f"{len(min_lr)}")


def plateau_param_groups_changed(param_groups, min_lrs):
    return RuntimeError(f"The number of param groups in the `optimizer` "
                        f"({len(param_groups)}) differs from when `ReduceLROnPlateau` "
                        f"was initialized ({len(min_lrs)}), usually due to a new param group "
                        "being added to the optimizer. Please modify the `min_lrs` field to match "
                        "the length of the `optimizer` param groups.")


def negative_epoch(epoch):
    return ValueError(f"Expected non-negative epoch, but got {epoch}")


def one_cycle_steps_undefined():
    return ValueError("You must define either total_steps OR (epochs AND "
                      "steps_per_epoch)")


def scheduler_initial_lr_missing(i):
    return KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                    "scheduler with last_epoch >= 0.\nThis typically happens when:\n1. "
                    "You're trying to resume training from a checkpoint but haven't properly "
                    "loaded the optimizer state\n2. You're using last_epoch >= 0 for a fresh "
                    "training run (not recommended)")


def optimizer_step_overridden():
    return UserWarning("Seems like `optimizer.step()` has been overridden after learning rate "
                       "scheduler initialization. Please, make sure to call `optimizer.step()` "
                       "before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/"
                       "stable/optim.html#how-to-adjust-learning-rate")


def scheduler_step_order():
    return UserWarning("Detected call of `lr_scheduler.step()` before `optimizer.step()`. In "
                       "PyTorch 1.1.0 and later, you should call them in the opposite order: "
                       "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will "
                       "result in PyTorch skipping the first value of the learning rate schedule. "
                       "See more details at https://pytorch.org/docs/stable/optim.html#how-to-"
                       "adjust-learning-rate")


def lr_tensor_size():
    return ValueError("Tensor lr must be 1-element")


def invalid_lr(lr):
    return ValueError(f"Invalid learning rate: {lr}")


def invalid_hyperparameter(what, value):
    return ValueError(f"Invalid {what} value: {value}")


def invalid_eps(eps):
    return ValueError(f"Invalid epsilon value: {eps}")


def optimizer_params_type(params_type):
    return TypeError("params argument given to the optimizer should be an iterable of "
                     "Tensors or dicts, but got " + params_type)


def optimizer_empty_params():
    return ValueError("optimizer got an empty parameter list")


def optimizer_state_groups_count():
    return ValueError("loaded state dict has a different number of parameter groups")


def optimizer_state_group_size():
    return ValueError("loaded state dict contains a parameter group that doesn't match "
                      "the size of optimizer's group")


def param_group_type(param_group):
    return TypeError(f"param_group must be a dict, but got {type(param_group)}")


def param_in_multiple_groups():
    return ValueError("some parameters appear in more than one parameter group")


def invalid_beta(i, betas):
    return ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def optimizer_params_unordered():
    return TypeError("optimizer parameters need to be organized in ordered collections, "
                     "but the ordering of tensors in sets will change between runs. "
                     "Please use a list instead.")


def optimizer_param_names_partial():
    return ValueError("all optimizer params should be with/without names. Some param "
                      "names are missing")


def optimizer_param_type(param_type):
    return TypeError("optimizer can only optimize Tensors, but one of the params is "
                     + param_type)


def optimizer_non_leaf():
    return ValueError("can't optimize a non-leaf Tensor")


def param_group_missing_default(name):
    return ValueError("parameter group didn't specify a value of required "
                      f"optimization parameter {name}")


def param_group_duplicates():
    return UserWarning("optimizer contains a parameter group with duplicate parameters; in "
                       "future, this will cause an error; see github.com/pytorch/pytorch/"
                       "issues/40967 for more information")


def param_group_names_mismatch(which):
    return ValueError("all optimizer param groups should be with/without names. "
                      f"cannot add param group {which} to the optimizer")


def optimizer_pre_hook_return(func, result):
    return RuntimeError(f"{func} must return None or a tuple of (new_args, "
                        f"new_kwargs), but got {result}.")


def invalid_etas(etas):
    return ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")


def invalid_momentum(momentum):
    return ValueError(f"Invalid momentum value: {momentum}")


def invalid_weight_decay(weight_decay):
    return ValueError(f"Invalid weight_decay value: {weight_decay}")


def nesterov_requirements():
    return ValueError("Nesterov momentum requires a momentum and zero dampening")


def swa_decay_invalid(decay):
    return ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] "
                      "range.")


def swa_avg_fn_both():
    return AssertionError("Only one of avg_fn and multi_avg_fn should be provided")


def swa_anneal_epochs(anneal_epochs):
    return ValueError(f"anneal_epochs must be equal or greater than 0, got "
                      f"{anneal_epochs}")


# ---- Adafactor, SparseAdam, Muon ----------------------------------------------------------------
def should_be(what, bound, value):
    """Adafactor's and Muon's ``"<what> should be <bound> but is: <value>"`` checks."""
    return ValueError(f"{what} should be {bound} but is: {value}")


def optimizer_no_complex(name):
    return RuntimeError(f"{name} does not support complex parameters")


def optimizer_no_sparse_grad(name, suggest_sparse_adam=False):
    hint = ", please consider SparseAdam instead" if suggest_sparse_adam else ""
    return RuntimeError(f"{name} does not support sparse gradients{hint}")


def adagrad_sparse_weight_decay():
    return RuntimeError("weight_decay option is not compatible with sparse gradients")


def sparse_adam_sparse_params(indices):
    return ValueError(f"Sparse params at indices {indices}: SparseAdam requires dense parameter "
                      "tensors")


def sparse_adam_complex_params(indices):
    return ValueError(f"Complex params at indices {indices}: SparseAdam does not support complex "
                      "parameters")


def sparse_adam_dense_grad():
    return RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")


def muon_adjust_lr_fn(fn):
    return ValueError(f"Adjust learning rate function {fn} is not supported")


def muon_param_not_2d(size):
    return ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                      f"{size}")


def muon_ns_steps():
    return ValueError("Number of steps must be less than 100 for computational efficiency")


def muon_ns_coefficients():
    return ValueError("Coefficients must be a tuple of exactly 3 values")


# ---- swap_in_optimizer_params_and_state --------------------------------------------------------
_SWAP_IN = "swap_in_optimizer_params_and_state requires "


def swap_in_no_state():
    return RuntimeError(_SWAP_IN + "initialized optimizer state.")


def swap_in_not_dict():
    return RuntimeError(_SWAP_IN + "a DCP-style optimizer state_dict.")


def swap_in_state_type(type_name):
    return RuntimeError(_SWAP_IN + "swapin_optim_state['state'] to be a dict mapping packed "
                        f"parameter ids to per-param state dicts, got {type_name}.")


def swap_in_state_tensor_keys():
    return RuntimeError(_SWAP_IN + "optimizer.state_dict()-style state keyed by packed parameter "
                        "ids.")


def swap_in_state_entries():
    return RuntimeError(_SWAP_IN + "per-parameter optimizer state entries to be dictionaries.")


def swap_in_groups_type(type_name):
    return RuntimeError(_SWAP_IN + "swapin_optim_state['param_groups'] to be a list of "
                        f"param-group dicts, got {type_name}.")


def swap_in_groups_count():
    return RuntimeError("swapin_optim_state has a different number of parameter groups than the "
                        "live optimizer.")


def swap_in_group_type():
    return RuntimeError(_SWAP_IN + "each optimizer param group to be a dictionary.")


def swap_in_group_param_ids():
    return RuntimeError(_SWAP_IN + "optimizer.state_dict()-style param_groups[*]['params'] "
                        "entries keyed by packed parameter ids.")


def swap_in_group_size(idx):
    return RuntimeError(f"swapin_optim_state param group {idx} has a different number of params "
                        "than the live optimizer param group.")


def swap_in_group_keys(idx, swapin_only, live_only):
    return RuntimeError(_SWAP_IN + "optimizer.state_dict()-style param group keys to exactly "
                        f"match the live optimizer group keys for group {idx}. Keys only in "
                        f"swap-in: {swapin_only}. Keys only in live: {live_only}.")


def swap_in_param_order():
    return RuntimeError(_SWAP_IN + "the explicit parameter state to match optimizer.param_groups "
                        "ordering.")


def swap_in_extra_keys(keys):
    return RuntimeError(_SWAP_IN + "swapin_optim_state['state'] to be keyed only by packed "
                        f"parameter ids from param_groups[*]['params']; got extra keys {keys!r}.")
