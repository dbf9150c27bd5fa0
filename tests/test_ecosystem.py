"""Popular PyTorch libraries run unmodified under ``python -m ember.run``: each script in
tests/ecosystem runs once under Ember and once under real PyTorch 2.13 (+ torchvision 0.28),
and the RESULT lines they print must agree (words exactly, numbers within float32 training
tolerance).  The libraries are pinned and installed by .ci/run with --no-deps; a library that
is not installed skips its test."""
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent / "ecosystem"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CASES = {   # script -> (libraries it needs, relative tolerance)
    "timm_run.py": (("timm",), 2e-3),
    "transformers_run.py": (("transformers",), 1e-3),
    "lightning_run.py": (("lightning",), 1e-4),
    "torchmetrics_run.py": (("torchmetrics",), 1e-5),
    "torchinfo_run.py": (("torchinfo",), 0),
    "small_libs_run.py": (("einops", "rotary_embedding_torch", "torchdiffeq"), 1e-4),
    "kornia_captum_run.py": (("kornia", "captum"), 1e-4),
    "pyro_gpytorch_run.py": (("pyro", "gpytorch"), 1e-4),
    "skorch_accelerate_run.py": (("skorch", "accelerate", "sklearn"), 1e-4),
    "peft_monai_diffusers_run.py": (("peft", "monai", "diffusers", "x_transformers"), 1e-4),
    "botorch_optimizers_run.py": (("botorch", "pytorch_metric_learning", "torch_optimizer",
                                   "schedulefree", "ema_pytorch", "normflows"), 1e-4),
    # the cosine loss after training is ~0.02, a difference of two near-equal similarities:
    # torch's own value moves by ~1.3e-4 (relative) with its kernels and thread count
    "ignite_sbert_run.py": (("ignite", "sentence_transformers"), 5e-4),
    "smp_clip_flows_run.py": (("segmentation_models_pytorch", "open_clip", "zuko", "torchsde",
                               "vector_quantize_pytorch"), 1e-4),
    "vit_thop_piq_run.py": (("vit_pytorch", "thop", "piq", "tensorly", "nflows", "torchattacks"),
                            1e-4),
    "pyg_run.py": (("torch_geometric",), 1e-4),
    "research_models_run.py": (("denoising_diffusion_pytorch", "perceiver_pytorch", "mambapy",
                                "siren_pytorch", "pytorch_tcn", "rtdl_revisiting_models",
                                "torch_struct", "torch_dct", "julius", "nnAudio",
                                "fast_pytorch_kmeans", "torchensemble", "pytorch_toolbelt",
                                "mup", "performer_pytorch", "local_attention", "torchquad"),
                               1e-4),
    # pytorch-ood's Mahalanobis inverts a 10-sample covariance in 8 dimensions (float32): ~6e-4
    "bayes_ood_run.py": (("sbi", "blitz", "torchbnn", "pytorch_ood", "torchgeometry"), 1e-3),
    # LayerCAM / ScoreCAM rescale each map by its extremes: float32 noise grows to ~5e-4
    "sam_crf_cam_run.py": (("segment_anything", "torchcrf", "info_nce", "torchcam",
                            "facenet_pytorch", "torchkbnufft", "torchmin"), 1e-3),
    "pyg_edge_index_run.py": (("torch_geometric",), 1e-5),
    "tensordict_run.py": (("tensordict", "cloudpickle", "pyvers"), 1e-5),
    "mmengine_run.py": (("mmengine", "addict", "yapf", "termcolor"), 1e-5),
    "torchrl_run.py": (("torchrl", "tensordict", "cloudpickle", "pyvers"), 1e-5),
    "audio_training_typing_run.py": (("auraloss", "asteroid_filterbanks", "poutyne",
                                      "jaxtyping", "beartype"), 1e-4),
    "ultralytics_run.py": (("ultralytics", "cv2", "polars"), 1e-4),
    # GradCAM rescales each map by its own min and max: float32 noise grows to ~1e-4
    "gradcam_lpips_run.py": (("pytorch_grad_cam", "lpips", "ttach"), 5e-4),
    "backpack_laplace_run.py": (("backpack", "higher", "torchode", "laplace"), 1e-4),
    "geoopt_run.py": (("geoopt",), 1e-4),
    "ptflops_run.py": (("ptflops",), 0),
    "datasets_run.py": (("datasets", "pyarrow"), 0),
    "fastai_run.py": (("fastai", "fastcore", "fasttransform", "plum"), 1e-4),
    "sb3_gym_run.py": (("stable_baselines3", "gymnasium"), 1e-4),
    "cde_e3nn_viz_run.py": (("torchcde", "e3nn", "opt_einsum_fx", "torchviz"), 1e-4),
    "entmax_lion_ema_geomloss_run.py": (("entmax", "lion_pytorch", "torch_ema", "geomloss"),
                                        1e-3),
    "summary_madgrad_lrfinder_run.py": (("torchsummary", "madgrad", "torch_lr_finder"), 1e-4),
    "roma_run.py": (("roma",), 1e-4),
    "torchjd_run.py": (("torchjd",), 1e-4),
    "torchdyn_run.py": (("torchdyn", "torchcde", "torchsde", "pytorch_lightning", "attr",
                         "matplotlib"), 1e-4),
    # pykan's LBFGS line search compounds float32 noise (torch varies ~1e-4 between runs)
    # L-BFGS line searches on a PINN's loss grow float32 noise to ~2e-4 after 5 iterations
    "deepxde_run.py": (("deepxde", "skopt", "sklearn", "matplotlib"), 1e-3),
    "pykan_run.py": (("kan", "sympy", "sklearn", "matplotlib", "pandas", "yaml"), 1e-3),
    "pymde_run.py": (("pymde",), 1e-4),
    "tabnet_run.py": (("pytorch_tabnet", "pandas"), 1e-3),
    "opacus_pruning_run.py": (("opacus", "pytorch_msssim", "torch_pruning", "tensorboardX",
                               "tensorboard"), 1e-4),
    "quantization_bayesian_run.py": (("bayesian_torch",), 1e-4),
    "torchcfm_run.py": (("torchcfm", "torchdyn", "ot", "matplotlib"), 1e-4),
    "forecasting_run.py": (("pytorch_forecasting", "lightning", "pandas", "sklearn", "skbase"),
                           1e-4),
    "lightly_run.py": (("lightly", "PIL"), 1e-4),
    "neuraloperator_run.py": (("neuralop", "tltorch", "tensorly"), 1e-4),
    "pykeen_run.py": (("pykeen", "class_resolver", "docdata", "more_click", "pystow",
                       "torch_max_mem", "torch_ppr", "pandas", "sklearn"), 1e-4),
    "linear_attention_colt5_run.py": (("linear_attention_transformer", "product_key_memory",
                                       "colt5_attention", "linformer", "local_attention",
                                       "axial_positional_embedding"), 1e-4),
    "torch_fidelity_run.py": (("torch_fidelity", "PIL"), 1e-4),
    "tianshou_run.py": (("tianshou", "gymnasium", "sensai", "overrides", "pettingzoo",
                         "deepdiff", "h5py", "numba"), 1e-4),
    "trl_run.py": (("trl", "transformers", "accelerate", "datasets", "tokenizers"), 1e-4),
    "optim_attention_misc_run.py": (("adabelief_pytorch", "pytorch_warmup", "nystrom_attention",
                                     "linformer", "lambda_networks", "dropblock",
                                     "coral_pytorch", "focal_loss", "kmeans_pytorch",
                                     "torch_pca", "tabulate", "colorama"), 1e-4),
}


def _results(proc, who):
    assert proc.returncode == 0, f"{who} failed:\n{proc.stderr[-4000:]}"
    return [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]


def _run(args, cwd):
    """One script run, in ``cwd`` (a fresh temporary folder: what a library writes there, logs
    and checkpoints, stays out of the repository)."""
    env = dict(os.environ, PYTHONHASHSEED="0", TOKENIZERS_PARALLELISM="false",
               HF_HUB_OFFLINE="1", PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900, env=env)


def _same(expected, got, rtol):
    assert len(got) == len(expected), f"{len(got)} result lines, torch printed {len(expected)}"
    for want, have in zip(expected, got):
        assert NUMBER.sub("#", have) == NUMBER.sub("#", want), f"ember: {have}\ntorch: {want}"
        for a, b in zip(NUMBER.findall(want), NUMBER.findall(have)):
            a, b = float(a), float(b)
            assert abs(a - b) <= rtol * max(abs(a), 1e-2) + 1e-6, f"ember: {have}\ntorch: {want}"


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(CASES))
def test_library_runs_under_ember_as_under_torch(script, tmp_path):
    libraries, rtol = CASES[script]
    pytest.importorskip("torch")
    for lib in libraries:
        if importlib.util.find_spec(lib) is None:
            pytest.skip(f"{lib} is not installed (.ci/run installs it)")
    path = str(HERE / script)
    (tmp_path / "torch").mkdir()
    (tmp_path / "ember").mkdir()
    expected = _results(_run([str(HERE / "reference.py"), path], tmp_path / "torch"), "torch")
    got = _results(_run(["-m", "ember.run", path], tmp_path / "ember"), "ember")
    _same(expected, got, rtol)
