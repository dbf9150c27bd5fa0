"""distributed: process groups, collectives, DDP, the launcher."""

# ---- distributed -----------------------------------------------------------------------------
def dist_error(what, detail=""):
    texts = {
        "not_initialized": (ValueError, "Default process group has not been initialized, please "
                                        "make sure to call init_process_group."),
        "twice": (ValueError, "trying to initialize the default process group twice!"),
        "backend": (AssertionError, f"Unknown backend type {detail}"),
        "init_method": (ValueError, f"ember.distributed supports init_method=None or 'env://' "
                                    f"(MPI forms the group), got {detail!r}"),
        "mismatch": (ValueError, f"{detail} does not match the MPI job; start the ranks with "
                                 f"`python -m ember.distributed.run` or mpiexec"),
        "not_in_group": (ValueError, f"Global rank {detail} is not part of group"),
        "avg_int": (ValueError, "ReduceOp.AVG needs a floating point or complex tensor"),
        "timeout": (RuntimeError, f"Work timed out after {detail} seconds"),
        "split_sizes": (ValueError, f"Split sizes {detail} do not match the tensor's first "
                                    f"dimension"),
        "ddp_unfinished": (RuntimeError, "Expected to have finished reduction in the prior "
                                         "iteration before starting a new one. This error "
                                         "indicates that your module has parameters that were "
                                         "not used in producing loss. You can enable unused "
                                         "parameter detection by passing the keyword argument "
                                         "`find_unused_parameters=True` to "
                                         "`torch.nn.parallel.DistributedDataParallel`."),
        "ddp_no_grad": (RuntimeError, "DistributedDataParallel is not needed when a module "
                                      "doesn't have any parameter that requires a gradient."),
    }
    exc, msg = texts[what]
    return exc(msg)


def dist_missing(extra="distributed"):
    return ModuleNotFoundError(f"ember.distributed needs the 'mpi4py' package and an MPI "
                               f"(e.g. 'mpich'): pip install 'ember[{extra}]'")


def nccl_unavailable(why):
    return RuntimeError(f"ProcessGroupNCCL is only supported with GPUs, no GPUs found! ({why})")


def mpiexec_missing(name, looked_in):
    return FileNotFoundError(f"{name!r} was not found next to the Python interpreter "
                             f"({looked_in}) nor on PATH; ember.distributed.run starts the ranks "
                             f"with an MPI launcher: pip install 'ember[distributed]' (mpich "
                             f"provides mpiexec), or name one with --mpiexec / EMBER_MPIEXEC")


def parallel_gather_cpu():
    return AssertionError("Gather function not implemented for CPU tensors")


# ---- Join (uneven inputs) ------------------------------------------------------------------
def join_no_joinables():
    return ValueError("The join context manager requires at least one joinable")


def join_process_groups():
    return ValueError("Using join context manager with multiple process groups")


def join_rank_exhausted(rank):
    return RuntimeError(f"Rank {rank} exhausted all inputs.")


def join_early_termination():
    return RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all "
                        "ranks.")


def join_not_initialised(cls):
    return AssertionError(f"Check that the {cls} constructor calls the ``Joinable`` constructor")


def backend_name_type():
    return ValueError("Backend constructor parameter must be string-ish")


# ---- ZeroRedundancyOptimizer -----------------------------------------------------------------
def zero_params_type(expected):
    return TypeError(f"`params` argument should be an iterable of {expected}")


def zero_empty_params():
    return ValueError("ZeroRedundancyOptimizer got an empty parameter list")


def zero_group_without_params():
    return ValueError("Each parameter group passed-in via `params` must have a 'params' key "
                      "mapping to the parameters in the group")


def zero_mixed_params(got):
    return ValueError("ZeroRedundancyOptimizer only supports using the same dense type for all "
                      f"parameters but got {got}")


def zero_not_consolidated(rank):
    return RuntimeError("Optimizer state has not been consolidated on this rank. Please call "
                        f"`consolidate_state_dict(to={rank})` on all ranks beforehand if you "
                        "meant to save the global state.")
