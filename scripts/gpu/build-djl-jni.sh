#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) against a given libtorch: DJL publishes it only for the libtorch
# versions it bundles (2.7.1 for DJL 0.35), so a GPU machine's own PyTorch (2.11 on the lent one) needs its own.
# Used by scripts/gpu-check and by the Dockerfile's vision-worker-gpu target.
#
#   build-djl-jni.sh DJL_NATIVE TORCH_DIR JDK_INCLUDE LIBJVM OUTPUT_DIR [cuda|cpu]
#     DJL_NATIVE   DJL's engines/pytorch/pytorch-native, with build/include/ai_djl_pytorch_jni_PyTorchLibrary.h
#     TORCH_DIR    the folder holding include/, lib/ and share/cmake/Torch (a PyTorch wheel's torch/, or libtorch/)
#
# First DJL's own CMake build. If CMake cannot configure it (a CUDA libtorch's CMake files want a CUDA toolkit
# that matches), the same sources are compiled directly with g++ against the libtorch headers, without DJL's
# optional CUDA extras (a separate inference stream, emptying the cache): CUDA tensors work either way, since
# libtorch_cuda registers its kernels when DJL loads it.
set -euo pipefail
native="$1" torch="$2" include="$3" libjvm="$4" out="$5" flavour="${6:-cuda}"
build="$native/build"
mkdir -p "$out"
cuda=()
[[ "$flavour" == cuda ]] && cuda=(-DUSE_CUDA=1)
if cmake -S "$native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch" "${cuda[@]}" \
     -DJAVA_INCLUDE_PATH="$include" -DJAVA_INCLUDE_PATH2="$include/linux" -DJAVA_JVM_LIBRARY="$libjvm" \
     -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded; then
  cmake --build "$build" -j "$(nproc)"
  cp "$build/libdjl_torch.so" "$out/"
  exit 0
fi
echo "build-djl-jni: CMake could not configure against $torch; compiling directly with g++ (no USE_CUDA)" >&2
abi="$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || echo 1)"
objects="$build/direct"
mkdir -p "$objects"
flags=(-O2 -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI="$abi" -I"$build/include" -I"$include" -I"$include/linux"
       -I"$native/../../../api/src/main/native" -I"$torch/include" -I"$torch/include/torch/csrc/api/include")
ls "$native"/src/main/native/*.cc | xargs -P "$(nproc)" -I{} sh -c \
  'g++ "$@" -c "{}" -o "'"$objects"'/$(basename "{}" .cc).o"' _ "${flags[@]}"
g++ -shared -o "$out/libdjl_torch.so" "$objects"/*.o -L"$torch/lib" -ltorch -ltorch_cpu -lc10 -Wl,-rpath,'$ORIGIN'
