"""roma 1.8: rotation representations (unit quaternions, rotation matrices and vectors),
special Procrustes, quaternion slerp, and gradients through them."""
import roma
import torch

from _common import inputs, report

q = torch.nn.functional.normalize(torch.cos(torch.arange(12.0) * 0.7).reshape(3, 4), dim=-1)
R = roma.unitquat_to_rotmat(q)
report("rotmat", [round(v, 5) for v in R.flatten().tolist()])
report("rotvec", [round(v, 5) for v in roma.rotmat_to_rotvec(R).flatten().tolist()])
report("back to quaternion",
       [round(abs(v), 5) for v in roma.rotmat_to_unitquat(R).flatten().tolist()])
M = torch.cos(torch.arange(18.0) * 0.3).reshape(2, 3, 3)
report("special procrustes", [round(v, 5) for v in roma.special_procrustes(M).flatten().tolist()])
slerp = roma.utils.unitquat_slerp(q[0], q[1], torch.tensor([0.25, 0.5]))
report("slerp", [round(v, 5) for v in slerp.flatten().tolist()])
x = torch.sin(torch.arange(6.0)).reshape(2, 3).requires_grad_()
(roma.rotvec_to_rotmat(x) * inputs(2, 3, 3)).sum().backward()
report("rotvec grad", [round(v, 5) for v in x.grad.flatten().tolist()])
