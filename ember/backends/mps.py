"""Apple's Metal backend: Ember has none."""


def is_available():
    return False


def is_built():
    return False
