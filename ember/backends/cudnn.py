"""cuDNN switches (used by the CUDA backend's convolutions when cuDNN is present)."""
enabled = True
benchmark = False
deterministic = False


def is_available():
    return False
