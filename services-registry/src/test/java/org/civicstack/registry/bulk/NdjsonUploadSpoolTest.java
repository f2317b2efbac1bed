package org.civicstack.registry.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.registry.bulk.NdjsonUploadSpool.NumberedLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;

class NdjsonUploadSpoolTest {

    @TempDir
    Path spoolDirectory;

    @Test
    void linesAreNumberedAsAnEditorShowsThemWhateverTheChunking() {
        List<NumberedLine> lines = read(spool(10, 1000, 100), "\uFEFF{\"a\":1}\r\n", "\n{\"b\"", ":2}\nla", "st");

        assertThat(lines).containsExactly(new NumberedLine(1, "{\"a\":1}"), new NumberedLine(2, ""),
                new NumberedLine(3, "{\"b\":2}"), new NumberedLine(4, "last"));
        assertThat(spooledFiles()).isEmpty();
    }

    @Test
    void exactlyTheMaximumNumberOfLinesIsAccepted() {
        assertThat(read(spool(3, 1000, 100), "a\nb\nc\n")).hasSize(3);
        assertThat(read(spool(3, 1000, 100), "a\nb\nc")).hasSize(3);
    }

    @Test
    void oneLineTooManyIsRefusedBeforeTheConsumerSeesAnyLine() {
        assertRefused(spool(3, 1000, 100), "too_many_lines", "a\nb\n", "c\nd");
        assertRefused(spool(3, 1000, 100), "too_many_lines", "a\nb\nc\nd\n");
    }

    @Test
    void aLineOverTheLengthLimitIsRefusedNamingIt() {
        ApiProblem problem = assertRefused(spool(10, 1000, 5), "line_too_long", "abc\nabc", "def\n");

        assertThat(problem.getMessage()).contains("Line 2");
    }

    @Test
    void aBodyOverTheByteLimitIsRefused() {
        assertRefused(spool(10, 10, 100), "payload_too_large", "12345\n", "67890\n");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedWithoutReadingTheBody() {
        AtomicBoolean read = new AtomicBoolean();
        Flux<DataBuffer> body = Flux.defer(() -> {
            read.set(true);
            return body("x\n");
        });

        assertThatThrownBy(() -> spool(10, 10, 100).withLines(body, 11, lines -> lines).blockLast())
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(413));
        assertThat(read).isFalse();
    }

    @Test
    void theSpooledFileIsDeletedWhenTheConsumerFails() {
        Flux<NumberedLine> failing = spool(10, 1000, 100)
                .withLines(body("a\nb\n"), -1, lines -> lines.concatWith(Flux.error(new IllegalStateException("boom"))));

        assertThatThrownBy(failing::blockLast).hasMessage("boom");
        assertThat(spooledFiles()).isEmpty();
    }

    private ApiProblem assertRefused(NdjsonUploadSpool spool, String code, String... chunks) {
        AtomicBoolean consumed = new AtomicBoolean();
        Throwable error = catchThrowable(() -> spool
                .withLines(body(chunks), -1, lines -> lines.doOnNext(l -> consumed.set(true))).blockLast());

        assertThat(error).isInstanceOf(ApiProblem.class);
        ApiProblem problem = (ApiProblem) error;
        assertThat(problem.status()).isEqualTo(413);
        assertThat(problem.code()).isEqualTo(code);
        assertThat(consumed).isFalse();
        assertThat(spooledFiles()).isEmpty();
        return problem;
    }

    private NdjsonUploadSpool spool(int maxLines, long maxBytes, long maxLineBytes) {
        return new NdjsonUploadSpool(new BulkProperties(maxLines, DataSize.ofBytes(maxBytes),
                DataSize.ofBytes(maxLineBytes), 4, spoolDirectory.toString(), 500));
    }

    private static List<NumberedLine> read(NdjsonUploadSpool spool, String... chunks) {
        return spool.withLines(body(chunks), -1, lines -> lines).collectList().block();
    }

    private static Flux<DataBuffer> body(String... chunks) {
        return Flux.fromArray(chunks)
                .map(chunk -> DefaultDataBufferFactory.sharedInstance.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
    }

    private List<Path> spooledFiles() {
        try (Stream<Path> files = Files.list(spoolDirectory)) {
            return files.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
