package dev.mediaflow.worker;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each progress step is one confirmed event, so a step that is no further than the last one sent is not sent. */
class TaskContextTest {

    @Test
    void progressIsSentOnlyWhenItMovesForwardAndStaysWithin0To100() {
        List<Integer> published = new ArrayList<>();
        TaskContext context = new TaskContext(null, Path.of("in"), Path.of("out"), () -> { }, published::add);

        context.progress(30);
        context.at(20);
        context.progress(30);
        context.at(80);
        context.progress(250);
        context.progress(100);

        assertThat(published).containsExactly(30, 80, 100);
    }
}
