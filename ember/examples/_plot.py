"""Learning curves as a PNG, when matplotlib is installed (extra ``plot``)."""


def save_curves(curves, path, xlabel, ylabel, title=None):
    """Plot ``curves`` ({label: list of values}) against their index, from 1; returns the path,
    or None (with a message) without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install 'ember[plot]'): no plot written.")
        return None
    fig, axes = plt.subplots(figsize=(6, 3.5))
    for label, values in curves.items():
        axes.plot(range(1, len(values) + 1), values, label=label)
    axes.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if len(curves) > 1:
        axes.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"Saved the learning curves to {path}")
    return path
