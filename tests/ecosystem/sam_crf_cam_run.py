"""segment-anything (a small image encoder, prompt encoder and mask decoder put together),
pytorch-crf (log-likelihood, gradients, Viterbi decoding), info-nce, torchcam (CAM methods on a
resnet18), facenet-pytorch (InceptionResnetV1 embeddings, MTCNN's P-Net), torchkbnufft
(non-uniform FFT and its adjoint) and pytorch-minimize (five optimisers on Rosenbrock)."""
import torch
import torchvision
import torchkbnufft as tkbn
from facenet_pytorch import InceptionResnetV1
from facenet_pytorch.models.mtcnn import PNet
from info_nce import InfoNCE
from segment_anything.modeling import (ImageEncoderViT, MaskDecoder, PromptEncoder,
                                       TwoWayTransformer)
from segment_anything.modeling.sam import Sam
from torchcam.methods import GradCAM, LayerCAM, ScoreCAM
from torchcrf import CRF
from torchmin import minimize

from _common import deterministic_, inputs, report

encoder = ImageEncoderViT(img_size=64, patch_size=16, embed_dim=32, depth=2, num_heads=2,
                          out_chans=32, window_size=2, global_attn_indexes=(1,), use_rel_pos=True)
prompts = PromptEncoder(embed_dim=32, image_embedding_size=(4, 4), input_image_size=(64, 64),
                        mask_in_chans=8)
decoder = MaskDecoder(transformer_dim=32, transformer=TwoWayTransformer(
    depth=2, embedding_dim=32, mlp_dim=64, num_heads=2), num_multimask_outputs=3,
    iou_head_depth=2, iou_head_hidden_dim=32)
sam = deterministic_(Sam(encoder, prompts, decoder).eval(), 0.5)
with torch.no_grad():
    out = sam([{"image": inputs(3, 64, 64) * 100 + 120, "original_size": (64, 64),
                "point_coords": torch.tensor([[[10.0, 20.0], [40.0, 30.0]]]),
                "point_labels": torch.tensor([[1, 0]])}], multimask_output=True)[0]
report("sam", out["masks"].shape, out["iou_predictions"].tolist(),
       out["low_res_logits"].sum().item(), out["low_res_logits"].abs().mean().item())

crf = deterministic_(CRF(5, batch_first=True))
emissions = inputs(2, 7, 5).requires_grad_(True)
tags = torch.tensor([[0, 1, 2, 3, 4, 0, 1], [4, 3, 2, 1, 0, 4, 3]])
mask = torch.tensor([[1] * 7, [1] * 5 + [0] * 2], dtype=torch.bool)
likelihood = crf(emissions, tags, mask=mask)
likelihood.backward()
report("crf", likelihood.item(), crf.decode(emissions, mask=mask),
       emissions.grad.abs().sum().item(), crf.transitions.grad.abs().sum().item())

q, p, n = inputs(4, 8), inputs(4, 8, phase=0.3), inputs(6, 8, phase=0.9)
report("info_nce", InfoNCE()(q, p).item(), InfoNCE(negative_mode="unpaired")(q, p, n).item())

net = deterministic_(torchvision.models.resnet18(num_classes=5).eval(), 0.5)
for method in (GradCAM, LayerCAM, ScoreCAM):
    with method(net, target_layer="layer4") as extractor:
        scores = net(inputs(1, 3, 64, 64))
        cams = extractor(scores.squeeze(0).argmax().item(), scores)
    report("cam", method.__name__, [c.shape for c in cams], [c.sum().item() for c in cams])

face = deterministic_(InceptionResnetV1(classify=False).eval(), 0.5)
pnet = deterministic_(PNet(pretrained=False).eval())
with torch.no_grad():
    embedding = face(inputs(2, 3, 80, 80))
    boxes, probs = pnet(inputs(1, 3, 24, 24))
report("facenet", embedding.shape, embedding.sum().item(), embedding[0, :4].tolist())
report("pnet", boxes.shape, probs.shape, boxes.sum().item(), probs.sum().item())

image = torch.complex(inputs(1, 1, 16, 16), inputs(1, 1, 16, 16, phase=0.4))
trajectory = inputs(2, 40) * 3.0
kspace = tkbn.KbNufft(im_size=(16, 16))(image, trajectory)
back = tkbn.KbNufftAdjoint(im_size=(16, 16))(kspace, trajectory)
report("kbnufft", kspace.shape, kspace.abs().sum().item(), back.abs().sum().item())


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


for method in ("bfgs", "l-bfgs", "cg", "newton-cg", "trust-ncg"):
    result = minimize(rosenbrock, torch.tensor([-1.0, 1.5, 0.5], dtype=torch.float64),
                      method=method, max_iter=200)
    report("minimize", method, result.fun.item(), result.x.tolist(), int(result.nit))
