package dev.mediaflow.gateway.upload;

import com.drew.imaging.ImageProcessingException;
import dev.mediaflow.gateway.support.MediaSamples;
import dev.mediaflow.gateway.support.TestFiles;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sniffer and every header reader on mutated real files (bit flips, truncations, inserted bytes, length
 * fields set to extremes): the only answers are a format or none (415), and a plausible size or "unreadable"
 * (422), never another exception, an error or a hang. Every reader gets every mutant, not only the one the
 * sniffer would pick, since a reader must not rely on the sniffer having looked. The normal run is bounded
 * (a few hundred tries); raise {@code tries} to search harder.
 */
class MutatedMediaPropertiesTest {

    private static final Path DIR = TestFiles.tempDirectory("mf-mutants");

    private final MediaSniffer sniffer = new MediaSniffer();
    private final ImageHeaderReader reader = new ImageHeaderReader();

    @Property(tries = 300)
    void onlyTheContractsAnswersComeOut(@ForAll("mutants") byte[] bytes) throws IOException {
        Optional<StoredFormat> sniffed = sniffer.detect(bytes);
        assertThat(sniffed).isNotNull();
        Path file = Files.write(DIR.resolve("mutant"), bytes);
        for (StoredFormat format : StoredFormat.values()) {
            Optional<ImageHeaderReader.Dimensions> size;
            try {
                size = reader.measure(file, format);
            } catch (IOException | ImageProcessingException unreadable) {
                size = Optional.empty();
            }
            size.ifPresent(d -> assertThat(d.width() > 0 && d.height() > 0 && d.frames() > 0).isTrue());
            assertThat(reader.read(file, format)).isEqualTo(size);
        }
    }

    @Provide
    Arbitrary<byte[]> mutants() {
        Arbitrary<int[]> mutation = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(),
                Arbitraries.integers()).as((kind, position, value) -> new int[]{kind, position, value});
        return Combinators.combine(Arbitraries.of(MediaSamples.all()), mutation.list().ofMinSize(1).ofMaxSize(4))
                .as(MutatedMediaPropertiesTest::apply);
    }

    private static byte[] apply(byte[] sample, List<int[]> mutations) {
        byte[] bytes = sample;
        for (int[] m : mutations) {
            bytes = MediaSamples.mutate(bytes, m[0], m[1], m[2]);
        }
        return bytes;
    }
}
