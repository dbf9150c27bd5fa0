"""nn.functional: batch/layer/group/instance/local-response/rms norm, normalize, distances."""
__all__ = []
