package dev.mediaflow.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/gpu-check on a machine without a GPU (this one, and CI): it must say so plainly and exit 2, before it
 * unpacks or builds anything, whether the NVIDIA driver is missing or present without a GPU that PyTorch can use.
 * What it does on a GPU is in docs/gpu.md, measured on the lent machine.
 */
class GpuCheckScriptTest {

    private static final Path SCRIPT = DeployFiles.REPO.resolve("scripts/gpu-check");
    private static final OfflineTool BASH = OfflineTool.named("bash");

    private Path dir;

    @BeforeEach
    void folder() throws IOException {
        dir = Files.createTempDirectory("gpu-check");
    }

    @Test
    void withoutAnNvidiaDriverItSaysNoGpuAndExitsTwo() {
        OfflineTool.Result result = BASH.run(dir, Map.of("PATH", "/usr/bin:/bin", "OUT", dir.toString(),
                "GPU_WORK", dir.resolve("work").toString()), List.of(SCRIPT.toString()));

        assertThat(result.exitCode()).as(result.both()).isEqualTo(2);
        assertThat(result.output()).contains("gpu-check: no GPU here");
        assertThat(dir.resolve("work")).as("nothing unpacked").doesNotExist();
    }

    @Test
    void aDriverWithoutAGpuForPytorchIsNoGpuEither() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\necho 'GPU 0: Stand-in (UUID: GPU-0)'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        // a "python" whose torch has no CUDA, as on a CPU machine with the CPU wheel
        Path python = Files.writeString(bin.resolve("python-cpu"),
                "#!/bin/sh\necho 'AssertionError: torch.cuda.is_available() is False' >&2\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));

        OfflineTool.Result result = BASH.run(dir, Map.of("PATH", bin + ":/usr/bin:/bin", "OUT", dir.toString(),
                "PYTHON", python.toString(), "GPU_WORK", dir.resolve("work").toString()), List.of(SCRIPT.toString()));

        assertThat(result.exitCode()).as(result.both()).isEqualTo(2);
        assertThat(result.output()).contains("GPU 0: Stand-in")
                .contains("no GPU visible to PyTorch").contains("is_available() is False");
        assertThat(dir.resolve("work")).doesNotExist();
    }
}
