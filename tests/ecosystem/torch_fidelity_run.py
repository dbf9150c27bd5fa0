"""torch-fidelity 0.4 (metrics of generative models): ``calculate_metrics`` with the Inception
Score, FID, KID, precision / recall and perceptual path length between a Dataset of uint8 images
and a generator wrapped in ``GenerativeModelModuleWrapper`` (latents from NumPy's seeded
RandomState, as under torch).  Its pretrained extractors download weights, so a small
convolutional feature extractor (resizing with its TensorFlow-1.x-compatible bilinear
interpolation) and a sample similarity are registered the way the library documents."""
import torch
import torch_fidelity
from torch import nn
from torch_fidelity.interpolate_compat_tensorflow import interpolate_bilinear_2d_like_tensorflow1x

from _common import deterministic_, report


class TinyExtractor(torch_fidelity.FeatureExtractorBase):
    def __init__(self, name, features_list, **kwargs):
        super().__init__(name, features_list)
        self.body = deterministic_(nn.Sequential(
            nn.Conv2d(3, 6, 3, stride=2), nn.ReLU(), nn.Conv2d(6, 8, 3), nn.AdaptiveAvgPool2d(2),
            nn.Flatten()), scale=4.0)
        self.head = deterministic_(nn.Linear(32, 10), scale=20.0)

    @staticmethod
    def get_provided_features_list():
        return "feat", "logits_unbiased"

    @staticmethod
    def get_default_feature_layer_for_metric(metric):
        return {"isc": "logits_unbiased"}.get(metric, "feat")

    @staticmethod
    def can_be_compiled():
        return False

    def forward(self, x):
        x = x.float() / 127.5 - 1
        x = interpolate_bilinear_2d_like_tensorflow1x(x, size=(20, 20), align_corners=False)
        feat = self.body(x)
        return feat, self.head(feat)


class MeanSquare(torch_fidelity.SampleSimilarityBase):
    def __init__(self, name, **kwargs):
        super().__init__(name)

    def forward(self, a, b):
        return (a.float() - b.float()).div(255).square().mean(dim=(1, 2, 3))


class Images(torch.utils.data.Dataset):
    """The generator's images at deterministic latents: close to its samples, not the same."""

    def __init__(self, generator, n):
        with torch.no_grad():
            self.images = generator(torch.sin(torch.arange(n * 8.0) * 1.3).reshape(n, 8) * 1.3)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i]


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = deterministic_(nn.Sequential(nn.Linear(8, 64), nn.Tanh(),
                                                nn.Linear(64, 3 * 16 * 16)), scale=2.0)

    def forward(self, z):
        x = self.net(z).sigmoid().view(-1, 3, 16, 16)
        return (x * 255).to(torch.uint8)


torch_fidelity.register_feature_extractor("tiny", TinyExtractor)
torch_fidelity.register_sample_similarity("mean-square", MeanSquare)
generator = torch_fidelity.GenerativeModelModuleWrapper(Generator(), 8, "normal", 0)
images = Images(generator, 40)
metrics = torch_fidelity.calculate_metrics(
    input1=generator, input2=images, input1_model_num_samples=40, cuda=False,
    batch_size=16, isc=True, fid=True, kid=True, prc=True, ppl=True, feature_extractor="tiny",
    isc_splits=4, kid_subsets=5, kid_subset_size=16, ppl_sample_similarity="mean-square",
    ppl_epsilon=1e-2, ppl_discard_percentile_lower=None, ppl_discard_percentile_higher=None,
    cache=False, verbose=False)
for key in sorted(metrics):
    report(key, metrics[key])
