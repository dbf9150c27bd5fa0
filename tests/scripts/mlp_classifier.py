"""An MLP on random, linearly separable data: DataLoader, CrossEntropyLoss, SGD, StepLR."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def main():
    torch.manual_seed(0)
    x = torch.randn(300, 4)
    labels = (x[:, 0] > 0.5).long() + (x[:, 1] > 0).long()
    loader = DataLoader(TensorDataset(x, labels), batch_size=32, shuffle=True)
    model = MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    scheduler = StepLR(optimizer, step_size=10, gamma=0.5)
    criterion = nn.CrossEntropyLoss()
    first = None
    for epoch in range(20):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        scheduler.step()
        first = total / len(x) if first is None else first
    with torch.no_grad():
        accuracy = (model(x).argmax(dim=1) == labels).float().mean().item()
    print(model)
    print(f"loss decreased: {total / len(x) < first / 2}")
    print(f"accuracy above 0.9: {accuracy > 0.9}")
    print(f"final lr: {scheduler.get_last_lr()[0]}")


if __name__ == "__main__":
    main()
