#!/usr/bin/python3
"""Writes a depth model of Depth Anything V2 Small's size and shape, with random weights, for scripts/bench-depth.

ViT-S encoder (patch 14, dim 384, 12 blocks, 6 heads, fixed 37x37 position embeddings: input exactly 518x518)
and a light DPT-like head (features of blocks 3, 6, 9, 12 projected, fused coarse to fine, upsampled to the
input size). About 22 M parameters, ~90 MB: written to a git-ignored path, never committed.

    /usr/bin/python3 vision-worker/src/test/python/make_bench_model.py vision-worker/target/bench-models/vits-518.pt
"""
import os
import sys
from typing import List

import torch
import torch.nn.functional as F
from torch import nn

PATCH, DIM, DEPTH, HEADS, SIZE = 14, 384, 12, 6, 518
GRID = SIZE // PATCH


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.norm2 = nn.LayerNorm(DIM)
        self.fc1 = nn.Linear(DIM, 4 * DIM)
        self.fc2 = nn.Linear(4 * DIM, DIM)
        self.heads = HEADS

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape[0], x.shape[1], x.shape[2]
        qkv = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax((q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5, dim=-1)
        x = x + self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class DepthVitS(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.patch = nn.Conv2d(3, DIM, PATCH, PATCH)
        self.cls = nn.Parameter(torch.randn(1, 1, DIM) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, GRID * GRID + 1, DIM) * 0.02)
        self.blocks = nn.ModuleList([Block() for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(DIM)
        self.project = nn.ModuleList([nn.Conv2d(DIM, 64, 1) for _ in range(4)])
        self.fuse = nn.ModuleList([nn.Conv2d(64, 64, 3, padding=1) for _ in range(4)])
        self.out1 = nn.Conv2d(64, 32, 3, padding=1)
        self.out2 = nn.Conv2d(32, 1, 1)
        self.dim = DIM
        self.grid = GRID

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, h, w = x.shape[0], x.shape[2], x.shape[3]
        t = self.patch(x).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls.expand(b, -1, -1), t], dim=1) + self.pos
        features: List[torch.Tensor] = []
        for i, block in enumerate(self.blocks):
            t = block(t)
            if i % 3 == 2:
                features.append(self.norm(t)[:, 1:].transpose(1, 2).reshape(b, self.dim, self.grid, self.grid))
        fused = torch.zeros(b, 64, self.grid, self.grid, device=x.device, dtype=x.dtype)
        size = self.grid
        for i, (project, fuse) in enumerate(zip(self.project, self.fuse)):
            level = F.interpolate(project(features[3 - i]), size=[size, size], mode="bilinear", align_corners=True)
            fused = F.relu(fuse(F.interpolate(fused, size=[size, size], mode="bilinear", align_corners=True) + level))
            size = size * 2
        out = F.interpolate(self.out1(fused), size=[h, w], mode="bilinear", align_corners=True)
        return F.relu(self.out2(F.relu(out))).squeeze(1)


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "vits-518.pt"
    torch.manual_seed(0)
    # traced, not scripted: a script of F.interpolate made by a newer torch names ops (e.g. lanczos) that the
    # bundled libtorch does not know; the trace holds only the ops this model runs
    with torch.no_grad():
        model = torch.jit.trace(DepthVitS().eval(), torch.zeros(1, 3, SIZE, SIZE))
    params = sum(p.numel() for p in model.parameters())
    with torch.no_grad():
        assert model(torch.zeros(1, 3, SIZE, SIZE)).shape == (1, SIZE, SIZE)
        assert model(torch.zeros(4, 3, SIZE, SIZE)).shape == (4, SIZE, SIZE)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.jit.save(model, out)
    print(f"wrote {out} ({params / 1e6:.1f} M parameters)")


if __name__ == "__main__":
    main()
