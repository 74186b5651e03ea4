#!/usr/bin/env python3
"""PyTorch's own speed for the depth benchmark model, the reference scripts/gpu-check puts beside Java's.

Writes the model (vision-worker/src/test/python/make_bench_model.py: ViT-S/14 + DPT-like head, random weights,
seed 0) as TorchScript in fp32, fp16 and bf16 (the same weights, cast), then times each at every batch size the
way the Java benchmark does: float32 pictures in host memory -> device -> model precision -> forward -> float32
maps back in host memory ("torch" rows), and with input and output left on the GPU ("torch-resident" rows, the
forward pass alone, comparable with published figures). Prints tab-separated rows:
    torch <precision> <batch> <images/s> <ms/pass>
    torch-resident <precision> <batch> <images/s> <ms/pass>

    python3 scripts/gpu/torch_bench.py OUTDIR [--batches 1,4,16] [--seconds 5]
"""
import argparse
import importlib.util
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MAKER = os.path.join(HERE, "..", "..", "vision-worker", "src", "test", "python", "make_bench_model.py")
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def load_maker():
    spec = importlib.util.spec_from_file_location("make_bench_model", MAKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def export(out_dir):
    maker = load_maker()
    paths = {}
    for name, dtype in PRECISIONS.items():
        torch.manual_seed(0)
        model = maker.DepthVitS().eval().to(dtype)
        scripted = torch.jit.script(model)
        path = os.path.join(out_dir, f"vits-518-{name}.pt")
        torch.jit.save(scripted, path)
        paths[name] = path
    return paths


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(step, seconds):
    for _ in range(3):
        step()
    sync()
    passes = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or passes < 5:
        step()
        passes += 1
    sync()
    return passes, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--batches", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--allow-cpu", action="store_true", help="rehearse on the CPU (batches 1 and 4 only)")
    args = parser.parse_args()
    if not torch.cuda.is_available() and not args.allow_cpu:
        print("FAIL\tPyTorch sees no GPU")
        sys.exit(2)
    os.makedirs(args.out_dir, exist_ok=True)
    paths = export(args.out_dir)
    gpu = torch.cuda.is_available()
    print(f"model\t{paths['fp32']}\ttorch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"{torch.cuda.get_device_name(0) if gpu else 'CPU rehearsal'}")
    device = torch.device("cuda:0" if gpu else "cpu")
    with torch.inference_mode():
        for name, dtype in PRECISIONS.items():
            model = torch.jit.load(paths[name], map_location=device).eval()
            if not gpu and name != "fp32":
                continue
            for batch in [int(b) for b in args.batches.split(",")]:
                host = np.random.default_rng(batch).standard_normal((batch, 3, 518, 518), dtype=np.float32)

                def from_host():
                    x = torch.from_numpy(host).to(device).to(dtype)
                    return model(x).float().cpu().numpy()

                resident_input = torch.from_numpy(host).to(device).to(dtype)

                def resident():
                    return model(resident_input)

                for label, step in (("torch", from_host), ("torch-resident", resident)):
                    passes, total = timed(step, args.seconds)
                    print(f"{label}\t{name}\t{batch}\t{passes * batch / total:.1f}\t{total * 1000 / passes:.2f}",
                          flush=True)


if __name__ == "__main__":
    main()
