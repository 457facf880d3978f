"""The pair network: a small early-fusion CNN from an aligned (photo, reference) pair to p(authentic).

Early fusion because the question is local: the pair is already aligned, so
the first layers can look at photo, reference and their difference side by
side and find where the strokes disagree. Average and max pooling at the end
keep both the overall agreement and the single worst spot (one wrong mark in
an otherwise right logo). The sigmoid is inside, so the exported graph gives
the probability the workstation reads (``vision.classifier.OUTPUT_NAME``).
"""

from __future__ import annotations

import torch
from torch import nn

#: Channels of the 4x4 stride-4 stem, then of each stage (a stride-2 block and a stride-1 block).
STEM = 32
WIDTHS = (32, 48, 64)


def block(c_in: int, c_out: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class PairNet(nn.Module):
    """``[N, 2, H, W]`` (photo, reference; see ``vision.classifier.pair_input``) -> ``[N]`` probabilities.

    The stem sees 4x4 patches (a stroke of a letter is 2-3 input pixels wide)
    and maps each to ``STEM`` channels: four times cheaper to train on the CPU
    than full-resolution 3x3 layers, for the same reach.
    """

    def __init__(self, stem: int = STEM, widths: tuple[int, ...] = WIDTHS) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Sequential(nn.Conv2d(3, stem, 4, stride=4, bias=False),
                                                 nn.BatchNorm2d(stem), nn.ReLU(inplace=True))]
        c = stem
        for w in widths:
            layers += [block(c, w, 2), block(w, w, 1)]
            c = w
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(2 * c, 1)

    def logits(self, pair: torch.Tensor) -> torch.Tensor:
        """Before the sigmoid: what the loss is computed on (numerically stable)."""
        photo, reference = pair[:, :1], pair[:, 1:]
        x = self.features(torch.cat([photo, reference, photo - reference], dim=1))
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return self.head(pooled).squeeze(1)

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(pair))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
