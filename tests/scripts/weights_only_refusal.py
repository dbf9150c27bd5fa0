"""A whole pickled model loaded with weights_only=True: refused by default (the message names
the classes as the program does), loaded once the classes are allow-listed."""
import io

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
buffer = io.BytesIO()
torch.save(model, buffer)
try:
    buffer.seek(0)
    torch.load(buffer, weights_only=True)
except Exception as e:  # noqa: BLE001
    print(type(e).__name__, str(e).split("WeightsUnpickler error: ")[1])
buffer.seek(0)
with torch.serialization.safe_globals([nn.Sequential, nn.Linear, nn.ReLU]):
    loaded = torch.load(buffer, weights_only=True)
print(loaded)
print(type(loaded).__name__, [type(m).__name__ for m in loaded])
