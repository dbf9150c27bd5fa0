"""``torch.cuda.amp``: the deprecated spellings of ``torch.amp.autocast("cuda")`` and
``torch.amp.GradScaler("cuda")`` (they warn, as torch's do, and build the same objects)."""
import warnings

from .. import _errors

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]


def autocast(enabled=True, dtype=None, cache_enabled=True):
    warnings.warn(_errors.cuda_amp_deprecated("autocast"), FutureWarning, stacklevel=2)
    from .. import amp
    kwargs = {} if dtype is None else {"dtype": dtype}
    return amp.autocast("cuda", enabled=enabled, cache_enabled=cache_enabled, **kwargs)


def GradScaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
               growth_interval=2000, enabled=True):
    warnings.warn(_errors.cuda_amp_deprecated("GradScaler"), FutureWarning, stacklevel=2)
    from .. import amp
    return amp.GradScaler("cuda", init_scale=init_scale, growth_factor=growth_factor,
                          backoff_factor=backoff_factor, growth_interval=growth_interval,
                          enabled=enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    from .. import amp
    return amp.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd=None):
    from .. import amp
    return amp.custom_bwd(bwd, device_type="cuda")
