"""ptflops 0.7 (its default PyTorch backend: module hooks plus the nn.functional and tensor
operations it patches while counting): MACs and parameters of resnet18 and of a small network
whose layers call patched functionals, as numbers and as strings."""
import torch
from ptflops import get_model_complexity_info
from torchvision.models import resnet18

from _common import report

macs, params = get_model_complexity_info(resnet18(), (3, 64, 64), as_strings=False,
                                         print_per_layer_stat=False, verbose=False)
report("resnet18", macs, params)
net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                          torch.nn.Flatten(), torch.nn.Linear(8 * 15 * 15, 10), torch.nn.GELU())
report("small", *get_model_complexity_info(net, (3, 32, 32), as_strings=True,
                                           print_per_layer_stat=False, verbose=False))
