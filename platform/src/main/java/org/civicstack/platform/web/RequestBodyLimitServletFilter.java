package org.civicstack.platform.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.civicstack.platform.error.ServletProblemHandler;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet stack: the largest request body a service reads, as the reactive services' codecs limit theirs (one
 * setting for both, {@code spring.http.codecs.max-in-memory-size}). A body that says it is larger is answered 413
 * before it is read; one without a length (chunked) is counted as it is read and fails with the same
 * {@link DataBufferLimitException} the reactive codecs raise, so the one problem renderer answers 413 either way.
 * Form bodies announce their length in practice; a chunked form is bounded by the container's own form limit.
 */
public final class RequestBodyLimitServletFilter extends OncePerRequestFilter {

    private final long limit;
    private final ServletProblemHandler problems;

    public RequestBodyLimitServletFilter(long limit, ServletProblemHandler problems) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the request body limit must be positive, got " + limit);
        }
        this.limit = limit;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            problems.handle(tooLarge(), request, response);
            return;
        }
        chain.doFilter(new Limited(request), response);
    }

    private DataBufferLimitException tooLarge() {
        return new DataBufferLimitException("the request body is larger than " + limit + " bytes");
    }

    /** The request with its body counted as it is read. */
    private final class Limited extends HttpServletRequestWrapper {

        private ServletInputStream stream;
        private BufferedReader reader;

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() was already called for this request");
            }
            if (stream == null) {
                stream = new Counting(super.getInputStream());
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (stream != null) {
                throw new IllegalStateException("getInputStream() was already called for this request");
            }
            if (reader == null) {
                String encoding = getCharacterEncoding();
                Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
                reader = new BufferedReader(new InputStreamReader(new Counting(super.getInputStream()), charset));
            }
            return reader;
        }
    }

    private final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private long read;

        Counting(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw tooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
