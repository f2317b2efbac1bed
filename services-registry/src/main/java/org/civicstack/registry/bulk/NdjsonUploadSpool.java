package org.civicstack.registry.bulk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.StringDecoder;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Receives an NDJSON upload into a temporary file while checking its limits (bytes, lines, line length), and only
 * then hands it on as a stream of numbered lines. So a file over a limit is refused with a 413 problem before a
 * single row is applied, and memory stays bounded whatever the file size: the body passes through in buffers, the
 * lines are read back one at a time. The file is deleted when the consumer finishes, fails or is cancelled.
 */
@Component
public class NdjsonUploadSpool {

    /** One line of the upload; {@code number} counts from 1, as an editor shows it. */
    public record NumberedLine(int number, String text) {
    }

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final MimeType UTF8_TEXT = new MimeType("text", "plain", StandardCharsets.UTF_8);

    private final BulkProperties properties;
    private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    public NdjsonUploadSpool(BulkProperties properties) {
        this.properties = properties;
    }

    /**
     * Spools {@code body} (whose declared length is {@code contentLength}, or -1), then runs {@code consumer} on its
     * lines. Errors with a 413 {@link ApiProblem} when the upload is over a limit.
     */
    public <T> Flux<T> withLines(Flux<DataBuffer> body, long contentLength,
            Function<Flux<NumberedLine>, Flux<T>> consumer) {
        if (contentLength > properties.maxBytes().toBytes()) {
            return Flux.error(tooLarge());
        }
        return Flux.usingWhen(spool(body), file -> consumer.apply(lines(file)), NdjsonUploadSpool::delete);
    }

    private Mono<Path> spool(Flux<DataBuffer> body) {
        return Mono.fromCallable(this::createFile)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(file -> {
                    LimitCheck check = new LimitCheck();
                    Flux<DataBuffer> checked = body.handle((buffer, sink) -> {
                        ApiProblem overLimit = check.scan(buffer);
                        if (overLimit == null) {
                            sink.next(buffer);
                        } else {
                            DataBufferUtils.release(buffer);
                            sink.error(overLimit);
                        }
                    });
                    return DataBufferUtils.write(checked, file, StandardOpenOption.WRITE)
                            .then(Mono.fromRunnable(check::finish))
                            .thenReturn(file)
                            .onErrorResume(e -> delete(file).then(Mono.error(e)))
                            .doOnCancel(() -> delete(file).subscribe());
                });
    }

    private Flux<NumberedLine> lines(Path file) {
        StringDecoder decoder = StringDecoder.textPlainOnly(List.of("\r\n", "\n"), true);
        decoder.setMaxInMemorySize((int) Math.min(Integer.MAX_VALUE, properties.maxLineBytes().toBytes() + 2));
        Flux<DataBuffer> content = DataBufferUtils.read(file, buffers, READ_BUFFER_BYTES);
        return decoder.decode(content, ResolvableType.forClass(String.class), UTF8_TEXT, Map.of())
                .index()
                .map(line -> new NumberedLine(Math.toIntExact(line.getT1() + 1),
                        line.getT1() == 0 ? withoutByteOrderMark(line.getT2()) : line.getT2()));
    }

    private Path createFile() throws IOException {
        String directory = properties.spoolDirectory();
        Path dir = directory == null || directory.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(directory);
        return Files.createTempFile(Files.createDirectories(dir), "bulk-import-", ".ndjson");
    }

    private static Mono<Void> delete(Path file) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static String withoutByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, ProblemCodes.PAYLOAD_TOO_LARGE, "Payload too large", "An import file may have at most "
                + properties.maxBytes().toBytes() + " bytes; split it into several files.");
    }

    /** Counts bytes, lines and the current line's length as the body passes; one per upload. */
    private final class LimitCheck {

        private long bytes;
        private int newlines;
        private long lineBytes;

        /** The problem when this buffer takes the upload over a limit, else null. */
        ApiProblem scan(DataBuffer buffer) {
            int start = buffer.readPosition();
            int count = buffer.readableByteCount();
            bytes += count;
            if (bytes > properties.maxBytes().toBytes()) {
                return tooLarge();
            }
            long maxLineBytes = properties.maxLineBytes().toBytes();
            for (int i = start; i < start + count; i++) {
                if (buffer.getByte(i) == '\n') {
                    newlines++;
                    lineBytes = 0;
                    if (newlines > properties.maxLines()) {
                        return tooManyLines();
                    }
                } else if (++lineBytes > maxLineBytes) {
                    return new ApiProblem(413, "line_too_long", "Payload too large", "Line " + (newlines + 1)
                            + " is longer than " + maxLineBytes + " bytes.");
                }
            }
            return null;
        }

        void finish() {
            if (newlines + (lineBytes > 0 ? 1 : 0) > properties.maxLines()) {
                throw tooManyLines();
            }
        }

        private ApiProblem tooManyLines() {
            return new ApiProblem(413, "too_many_lines", "Payload too large", "An import file may have at most "
                    + properties.maxLines() + " lines; split it into several files.");
        }
    }
}
