"""Random images for smoke tests; item ``i`` is the same every time (seeded by its index)."""
import ember

from ... import _errors
from ..transforms import functional as F
from .vision import VisionDataset


class FakeData(VisionDataset):
    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.image_size = size, image_size
        self.num_classes, self.random_offset = num_classes, random_offset

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise _errors.fake_data_index(self)
        g = ember.Generator().manual_seed(index + self.random_offset)
        img = ember.randn(*self.image_size, generator=g)
        target = int(ember.randint(0, self.num_classes, size=(1,), generator=g).item())
        return self._apply(F.to_pil_image(img), target)

    def __len__(self):
        return self.size
