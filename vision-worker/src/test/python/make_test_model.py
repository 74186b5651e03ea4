#!/usr/bin/python3
"""Writes the tiny deterministic depth model the vision-worker tests load.

For an input (B, 3, H, W) it returns (B, H, W) = row index + 0.01 * mean over the channels, so depth grows
with the row (the bottom of the depth map is brightest) and slightly with brightness. It has no weights and is
scripted (not traced), so it accepts any input size and batch.

    /usr/bin/python3 vision-worker/src/test/python/make_test_model.py \
        vision-worker/src/test/resources/models/row-depth.pt
"""
import sys

import torch


class RowDepth(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, h, w = x.shape[0], x.shape[2], x.shape[3]
        rows = torch.arange(h, dtype=x.dtype, device=x.device).view(1, h, 1).expand(b, h, w)
        return rows + 0.01 * x.mean(dim=1)


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "row-depth.pt"
    model = torch.jit.script(RowDepth().eval())
    probe = torch.zeros(2, 3, 5, 7)
    expected = torch.arange(5, dtype=torch.float32).view(1, 5, 1).expand(2, 5, 7)
    assert torch.equal(model(probe), expected)
    torch.jit.save(model, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
