#!/usr/bin/env python3
"""Joins the rows of scripts/gpu-check's three benchmarks into the Markdown tables docs/gpu.md shows.

    python3 scripts/gpu/report.py torch.tsv java.tsv variants.tsv
"""
import sys


def rows(path):
    try:
        with open(path) as f:
            return [line.rstrip("\n").split("\t") for line in f if "\t" in line]
    except FileNotFoundError:
        return []


def table(header, cells):
    """A Markdown table: the first column left-aligned, the figures after it right-aligned."""
    print("| " + " | ".join(header) + " |")
    print("| --- |" + " ---: |" * (len(header) - 1))
    for row in cells:
        print("| " + " | ".join(row) + " |")


def main():
    torch_rows, java_rows, variant_rows = (rows(p) for p in sys.argv[1:4])
    same = {(r[1], r[2]): float(r[3]) for r in torch_rows if r[0] == "torch"}
    resident = {(r[1], r[2]): float(r[3]) for r in torch_rows if r[0] == "torch-resident"}
    for r in torch_rows + java_rows + variant_rows:
        if r[0] in ("model", "device", "memory"):
            print(f"- {r[0]}: {' '.join(r[1:])}")
    print()
    print("| precision | batch | PyTorch img/s (host copies) | PyTorch img/s (GPU-resident) | Java (DJL) img/s "
          "| Java ÷ PyTorch (host copies) | Java ÷ PyTorch (resident) | GPU busy |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in java_rows:
        if r[0] != "java":
            continue
        key = (r[1], r[2])
        java = float(r[3])
        a, b = same.get(key), resident.get(key)
        print(f"| {r[1]} | {r[2]} | {a or '-'} | {b or '-'} | {java} | "
              f"{f'{java / a:.2f}' if a else '-'} | {f'{java / b:.2f}' if b else '-'} | "
              f"{r[5] if len(r) > 5 else '-'} |")
    accuracy = [r for r in java_rows if r[0] == "accuracy"]
    if accuracy:
        print()
        table(["precision", "batch", "largest difference from fp32 (depth 0..1)", "mean difference"],
              [r[1:5] for r in accuracy])
    ops = {r[1]: float(r[2]) for r in variant_rows if r[0] == "variants-ops"}
    make = {(r[1], r[2]): float(r[3]) for r in variant_rows if r[0] == "variants-make"}
    if ops:
        print()
        print("| 12 MP variants | CPU (OpenCV) ms | GPU (libtorch) ms | GPU speed-up |")
        print("| --- | ---: | ---: | ---: |")
        if "cpu" in ops and "gpu" in ops:
            print(f"| resize to 1280/640/320 + blur (decoded picture in memory) | {ops['cpu']} | {ops['gpu']} | "
                  f"{ops['cpu'] / ops['gpu']:.2f}x |")
        for kind in ("png", "jpeg"):
            c, g = make.get(("cpu", kind)), make.get(("gpu", kind))
            if c and g:
                print(f"| whole variant job, 12 MP {kind.upper()} (decode + 3 WebP on the CPU) | {c} | {g} | "
                      f"{c / g:.2f}x |")
    diffs = [r for r in variant_rows if r[0] == "variants-diff"]
    if diffs:
        print()
        table(["step", "largest pixel difference GPU vs CPU (of 255)", "mean"], [r[1:4] for r in diffs])


if __name__ == "__main__":
    main()
