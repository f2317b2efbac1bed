package org.civicstack.gateway.dispatch;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.civicstack.gateway.access.AccessDecision;
import org.civicstack.gateway.access.AccessProblems;
import org.civicstack.gateway.access.Assertion;
import org.civicstack.gateway.access.CitizenToken;
import org.civicstack.gateway.access.TokenExchangeException;
import org.civicstack.gateway.problem.UpstreamProblemMapper;
import org.civicstack.gateway.ratelimit.RateLimitDecision;
import org.civicstack.gateway.ratelimit.RateLimitExceeded;
import org.civicstack.gateway.usage.UsageRecorder;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One citizen request to {@code /s/{serviceCode}/**}, from its request line to the last byte of its response. Runs
 * entirely on the event loop of the citizen's connection (the upstream connection lives on the same loop), so it
 * needs no locks; the only hops are the answers of the rate limiter (Redis), of the JWKS refresh (unknown key) and of
 * the token exchange (no cached assertion), each resumed on this loop.
 *
 * <p>In order: the service's rules (status, method, path, declared body size) → access (the citizen token, checked
 * locally) → rate limits (per citizen on citizen services) → the upstream assertion (token exchange, cached) →
 * circuit breaker and bulkhead → header hygiene, the assertion as the only {@code Authorization} → one or more attempts at the upstream, each with the service's timeout → the response
 * streamed back with back-pressure both ways. The breaker and the usage record see the final outcome once.
 */
final class DispatchExchange {

    static final String PREFIX = "/s/";
    private static final Logger log = LoggerFactory.getLogger(DispatchExchange.class);
    /** Status recorded when the citizen went away before the response was complete (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    private final DispatchEngine engine;
    private final DispatchConnectionHandler connection;
    private final ChannelHandlerContext client;
    private final HttpRequest request;
    private final long startedNanos = System.nanoTime();
    private final boolean clientKeepAlive;
    private final boolean hasBody;
    private String requestId;
    private String path;
    private DispatchRoute route;
    private String caller;
    /** Why the gateway itself refused the request (access or rate limit), for the usage record; else null. */
    private String refusal;
    /** The verified token a refusal after verification was about (revoked, level, scope); else null. */
    private CitizenToken refusedToken;
    /** The verified citizen on a citizen service, else {@code null}. */
    private AccessDecision.Citizen citizen;
    /** The upstream assertion for {@link #citizen} as the {@code Authorization} value, set before the request goes upstream. */
    private CharSequence assertion;

    private boolean requestComplete;
    private long bodyBytes;
    /** Request content that arrived before an upstream connection was ready. */
    private ArrayDeque<HttpContent> pendingBody;

    private boolean permitted;
    private boolean outcomeRecorded;
    private int attempt;
    private long attemptStartedNanos;
    private boolean freshConnectionRetried;
    private Channel upstream;
    private UpstreamHandler upstreamHandler;
    private boolean reusedConnection;
    private boolean requestSent;
    private ScheduledFuture<?> timeout;
    /** The current upstream answer is a retryable failure being read to its end before the next attempt. */
    private boolean discardingResponse;
    /** An informational (1xx) answer is being skipped; the real one follows. */
    private boolean interim;
    /** The upstream may keep the connection open after this answer. */
    private boolean upstreamKeepAlive;

    private boolean responseStarted;
    private boolean responseComplete;
    private int status;
    private boolean closeAfterResponse;
    private boolean finished;

    DispatchExchange(DispatchEngine engine, DispatchConnectionHandler connection, ChannelHandlerContext client,
            HttpRequest request) {
        this.engine = engine;
        this.connection = connection;
        this.client = client;
        this.request = request;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    // ------------------------------------------------------------------ request line and rules

    void start() {
        HttpHeaders headers = request.headers();
        requestId = RequestIds.acceptOrCreate(headers.get(RequestIds.HEADER));
        String uri = request.uri();
        int question = uri.indexOf('?');
        path = question < 0 ? uri : uri.substring(0, question);
        String rawQuery = question < 0 ? null : uri.substring(question + 1);
        if (!engine.index().isLoaded()) {
            reject(DispatchProblems.notReady());
            return;
        }
        int slash = path.indexOf('/', PREFIX.length());
        String code = slash < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), slash);
        String rest = slash < 0 ? "/" : path.substring(slash);
        route = engine.index().find(code);
        if (route == null) {
            reject(DispatchProblems.unknownService());
            return;
        }
        switch (route.status()) {
            case SUSPENDED -> {
                reject(DispatchProblems.suspended(headers.get(HttpHeaderNames.ACCEPT_LANGUAGE), route));
                return;
            }
            case RETIRED -> {
                reject(DispatchProblems.retired(headers.get(HttpHeaderNames.ACCEPT_LANGUAGE), route));
                return;
            }
            default -> {
            }
        }
        if (!route.allows(HttpMethods.nameOf(request.method()))) {
            reject(DispatchProblems.methodNotAllowed(route));
            return;
        }
        if (!ProxyHeaders.isPlainPath(rest)) {
            reject(DispatchProblems.pathNotAcceptable());
            return;
        }
        if (!route.publishes(rest)) {
            reject(DispatchProblems.pathNotPublished());
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) > route.maxBodyBytes()) {
            reject(DispatchProblems.tooLarge(route.maxBodyBytes()));
            return;
        }
        request.setUri(route.upstreamTarget(rest, rawQuery));
        // the Authorization header is looked up only where a token is required (anonymous services drop it anyway)
        CompletableFuture<AccessDecision> access = engine.access().authorize(route.access(),
                route.access().citizen() ? headers.get(HttpHeaderNames.AUTHORIZATION) : null);
        if (access.isDone()) {
            authorized(access.getNow(null));
        } else {
            access.whenComplete((answer, error) -> client.executor().execute(() -> {
                if (error != null) {
                    log.error("Access check failed for {}", route.code(), error);
                }
                authorized(error != null ? new AccessDecision.Denied(AccessProblems.tokenInvalid(
                        "The access token could not be checked.")) : answer);
            }));
        }
    }

    private void authorized(AccessDecision access) {
        if (finished) {
            return;
        }
        if (access instanceof AccessDecision.Denied denied) {
            refusedToken = denied.token();
            refusal = denied.reason();
            reject(denied.problem());
            return;
        }
        if (access instanceof AccessDecision.Citizen verified) {
            citizen = verified;
            // rate limits per citizen: the same citizen from many addresses is one caller, many citizens behind
            // one carrier NAT are many
            caller = "cit:" + verified.token().subject();
        } else {
            caller = connection.callerId();
        }
        CompletableFuture<RateLimitDecision> decision = engine.limiter()
                .acquire(route.code(), route.perServiceLimit(), caller, route.perCallerLimit());
        if (decision.isDone()) {
            decided(decision.getNow(null));
        } else {
            decision.whenComplete((answer, error) -> client.executor().execute(() -> {
                if (error != null) {
                    log.error("Rate limiter failed for {}; letting the request through", route.code(), error);
                }
                decided(error != null ? RateLimitDecision.unlimited() : answer);
            }));
        }
    }

    private void decided(RateLimitDecision decision) {
        if (finished) {
            return;
        }
        if (!decision.allowed()) {
            ApiProblem limited = RateLimitExceeded.of(decision);
            refusal = limited.code();
            reject(limited);
            return;
        }
        if (citizen == null) {
            admit();
            return;
        }
        CompletableFuture<Assertion> exchanged = engine.access().assertion(citizen, route.code(), route.entry().agencyId());
        if (exchanged.isDone() && !exchanged.isCompletedExceptionally()) {
            asserted(exchanged.getNow(null), null);
        } else {
            exchanged.whenComplete((answer, error) -> client.executor().execute(() -> asserted(answer, error)));
        }
    }

    private void asserted(Assertion answer, Throwable error) {
        if (finished) {
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof TokenExchangeException failure) {
                if (failure.kind() == TokenExchangeException.Kind.UNAVAILABLE) {
                    log.warn("No upstream assertion for service {}: {}", route.code(), failure.getMessage());
                }
                reject(AccessProblems.of(failure));
            } else {
                log.error("Token exchange failed for service {}", route.code(), cause);
                reject(AccessProblems.identityUnavailable());
            }
            return;
        }
        assertion = answer.authorization();
        admit();
    }

    private void admit() {
        CircuitBreaker breaker = route.breaker();
        if (!breaker.tryAcquirePermission()) {
            reject(DispatchProblems.breakerOpen(route));
            return;
        }
        Bulkhead bulkhead = route.bulkhead();
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            reject(DispatchProblems.busy());
            return;
        }
        permitted = true;
        if (HttpUtil.is100ContinueExpected(request)) {
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ProxyHeaders.prepareUpstreamRequest(request, route, requestId, connection);
        if (assertion != null) {
            // the citizen's platform token was dropped above; the agency sees only its own assertion
            request.headers().set(HttpHeaderNames.AUTHORIZATION, assertion);
        }
        attempt();
    }

    // ------------------------------------------------------------------ request body from the citizen

    void onRequestContent(HttpContent content) {
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (content.decoderResult().isFailure()) {
            // a broken chunk: where the body ends is unknown, so nothing more of it goes anywhere
            content.release();
            malformedBody();
            return;
        }
        if (finished || responseComplete) {
            // after a refusal nothing of the body is forwarded; it is read to its end (or the connection closed)
            content.release();
            maybeFinish();
            return;
        }
        // not yet permitted and not refused: a decision (rate limiter, JWKS refresh, token exchange) is pending.
        // Reading is paused meanwhile (wantsRequestData), but what the codec decoded with the head is kept below.
        bodyBytes += content.content().readableBytes();
        if (route != null && bodyBytes > route.maxBodyBytes()) {
            content.release();
            // declared small (or chunked) but longer: whatever the upstream got is cut off
            abandonRequest(DispatchProblems.tooLarge(route.maxBodyBytes()));
            return;
        }
        if (!hasBody) {
            // a request without a body ends with an empty last content, which the attempt writes itself
            content.release();
            return;
        }
        if (content instanceof LastHttpContent end && !end.trailingHeaders().isEmpty()) {
            // request trailers are not forwarded: some servers merge them into the headers, past every rule here
            end.trailingHeaders().clear();
        }
        if (upstream != null && permitted) {
            boolean last = content instanceof LastHttpContent;
            if (last) {
                upstream.writeAndFlush(content);
                requestSent = true;
            } else {
                upstream.write(content);
            }
        } else {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(4);
            }
            pendingBody.add(content);
        }
    }

    private void malformedBody() {
        requestComplete = true;
        if (finished || responseComplete) {
            closeAfterResponse = true;
            client.close();
            maybeFinish();
            return;
        }
        abandonRequest(ApiProblem.badRequest(ProblemCodes.MALFORMED_REQUEST,
                "The request body's chunked encoding is broken."));
    }

    /**
     * The citizen's body cannot go on (too long, broken framing): the upstream connection is cut, the breaker is not
     * blamed, and the citizen gets {@code problem} — or, if the agency's answer already started, a closed
     * connection. Either way the connection ends with it.
     */
    private void abandonRequest(ApiProblem problem) {
        closeAfterResponse = true;
        abortUpstream();
        cancelTimeout();
        releaseBreaker();
        if (responseStarted) {
            responseComplete = true;
            client.close();
            finish();
        } else {
            respond(problem);
        }
    }

    /** Sends what was written of the request body so far (after each read from the citizen). */
    void flushUpstream() {
        if (upstream != null && !requestSent && permitted && !finished) {
            upstream.flush();
        }
    }

    /** Whether to read more from the citizen: only while its body can go somewhere right now. */
    boolean wantsRequestData() {
        if (requestComplete) {
            return false;
        }
        if (!permitted) {
            // a refused request's remaining body is read and dropped (bounded by closing after the answer)
            return responseComplete && !closeAfterResponse;
        }
        return upstream != null && upstream.isWritable();
    }

    void onUpstreamWritabilityChanged() {
        if (wantsRequestData()) {
            connection.readMore();
        }
    }

    void onClientWritabilityChanged() {
        if (upstream != null && responseStarted && !discardingResponse) {
            upstream.config().setAutoRead(client.channel().isWritable());
        }
    }

    // ------------------------------------------------------------------ attempts at the upstream

    private void attempt() {
        attempt++;
        attemptStartedNanos = System.nanoTime();
        discardingResponse = false;
        cancelTimeout();
        timeout = client.executor().schedule(this::timedOut, route.timeoutMs(), TimeUnit.MILLISECONDS);
        engine.connector().acquire(client.channel(), route.origin(), route.connectTimeoutMs(), this::connected);
    }

    private void connected(Channel channel, boolean reused, Throwable failure) {
        if (finished || responseComplete) {
            if (channel != null) {
                engine.connector().release(channel, route.origin());
            }
            return;
        }
        if (failure != null) {
            attemptFailed(failure);
            return;
        }
        upstream = channel;
        reusedConnection = reused;
        upstreamHandler = channel.pipeline().get(UpstreamHandler.class);
        upstreamHandler.bind(this);
        requestSent = false;
        channel.write(request);
        if (!hasBody) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            requestSent = true;
            return;
        }
        if (pendingBody != null) {
            HttpContent content;
            while ((content = pendingBody.poll()) != null) {
                if (content instanceof LastHttpContent) {
                    requestSent = true;
                }
                channel.write(content);
            }
        }
        channel.flush();
        if (wantsRequestData()) {
            connection.readMore();
        }
    }

    void onUpstreamResponse(HttpResponse response) {
        if (finished || responseComplete) {
            return;
        }
        int code = response.status().code();
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // 100/103 before the real answer: not forwarded (the gateway answered any Expect itself)
            interim = true;
            return;
        }
        interim = false;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if ((code == 502 || code == 503 || code == 504) && mayRetry()) {
            discardingResponse = true;
            status = code;
            return;
        }
        responseStarted = true;
        status = code;
        if (!requestComplete) {
            // the agency answers before the citizen finished sending: whatever is left of the body cannot be
            // told apart from a next request, so this connection ends with this answer
            closeAfterResponse = true;
        }
        ProxyHeaders.prepareClientResponse(response, requestId, clientKeepAlive && !closeAfterResponse,
                HttpMethods.is(request.method(), HttpMethod.HEAD));
        client.write(response);
        if (!client.channel().isWritable()) {
            upstream.config().setAutoRead(false);
        }
    }

    void onUpstreamContent(HttpContent content) {
        if (finished || responseComplete) {
            content.release();
            return;
        }
        if (interim) {
            content.release();
            if (content instanceof LastHttpContent) {
                interim = false;
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (discardingResponse) {
            content.release();
            if (last) {
                releaseUpstream(true);
                retryAfterBackoff();
            }
            return;
        }
        if (!last) {
            client.write(content);
            if (!client.channel().isWritable()) {
                upstream.config().setAutoRead(false);
            }
            return;
        }
        cancelTimeout();
        responseComplete = true;
        recordOutcome(status >= 500 ? new UpstreamServerError(status) : null);
        releaseUpstream(true);
        boolean keepAlive = clientKeepAlive && !closeAfterResponse;
        client.writeAndFlush(content).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        finish();
    }

    void onUpstreamReadComplete() {
        if (responseStarted && !finished) {
            client.flush();
        }
    }

    void onUpstreamClosed(Throwable cause) {
        if (upstream == null || finished || responseComplete) {
            return;
        }
        upstream = null;
        upstreamHandler = null;
        if (responseStarted) {
            // cut off mid-response: the citizen cannot be told with a problem any more
            cancelTimeout();
            recordOutcome(cause != null ? cause : new ClosedChannelException());
            status = 502;
            responseComplete = true;
            client.close();
            finish();
            return;
        }
        if (!freshConnectionRetried && reusedConnection && !hasBody && isIdempotent()) {
            // the upstream closed a pooled connection just as we used it: one more try on a fresh one
            freshConnectionRetried = true;
            attempt--;
            attempt();
            return;
        }
        attemptFailed(cause != null ? cause : new ClosedChannelException());
    }

    private void attemptFailed(Throwable failure) {
        Throwable cause = rootOf(failure);
        if (cause instanceof UnsafeUpstreamException unsafe) {
            log.error("Refused to connect upstream for service {}: {}", route.code(), unsafe.reason().code());
            fail(DispatchProblems.upstreamRefused(), failure);
            return;
        }
        if (cause instanceof SSLException) {
            fail(UpstreamProblemMapper.tlsFailed(), failure);
            return;
        }
        if (mayRetry()) {
            retryAfterBackoff();
            return;
        }
        if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
                || cause instanceof UnknownHostException) {
            fail(UpstreamProblemMapper.unreachable(), failure);
        } else {
            fail(DispatchProblems.upstreamBroken(), failure);
        }
    }

    private void timedOut() {
        timeout = null;
        if (finished || responseComplete) {
            return;
        }
        abortUpstream();
        if (responseStarted) {
            recordOutcome(new java.util.concurrent.TimeoutException("response not complete in time"));
            status = 504;
            responseComplete = true;
            client.close();
            finish();
            return;
        }
        fail(DispatchProblems.upstreamTimeout(route), new java.util.concurrent.TimeoutException());
    }

    private boolean mayRetry() {
        return attempt <= route.retryAttempts() && isIdempotent() && !hasBody;
    }

    private boolean isIdempotent() {
        HttpMethod method = request.method();
        return HttpMethods.is(method, HttpMethod.GET) || HttpMethods.is(method, HttpMethod.HEAD)
                || HttpMethods.is(method, HttpMethod.OPTIONS) || HttpMethods.is(method, HttpMethod.DELETE);
    }

    private void retryAfterBackoff() {
        cancelTimeout();
        long backoff = Math.min(500L, 50L << Math.min(attempt - 1, 4));
        client.executor().schedule(() -> {
            if (!finished && !responseComplete) {
                attempt();
            }
        }, backoff, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ answers

    /** A refusal before anything went upstream: no breaker outcome, no upstream. */
    private void reject(ApiProblem problem) {
        if (hasBody && !requestComplete) {
            // the body is not read: the connection cannot carry another request after this answer
            closeAfterResponse = true;
        }
        respond(problem);
    }

    /** A failure after the breaker let the call through: the breaker learns of it. */
    private void fail(ApiProblem problem, Throwable cause) {
        cancelTimeout();
        recordOutcome(cause != null ? cause : new IllegalStateException(problem.code()));
        if (responseStarted) {
            status = problem.status();
            responseComplete = true;
            client.close();
            finish();
            return;
        }
        if (hasBody && !requestComplete) {
            closeAfterResponse = true;
        }
        respond(problem);
    }

    private void respond(ApiProblem problem) {
        status = problem.status();
        responseStarted = true;
        responseComplete = true;
        boolean keepAlive = clientKeepAlive && !closeAfterResponse;
        client.writeAndFlush(engine.render(problem, path, requestId, keepAlive))
                .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        finish();
    }

    // ------------------------------------------------------------------ the end

    void onClientClosed() {
        if (finished) {
            return;
        }
        abortUpstream();
        cancelTimeout();
        // the citizen left: neither a success nor the agency's failure
        releaseBreaker();
        if (!responseComplete) {
            status = CLIENT_CLOSED;
        }
        responseComplete = true;
        requestComplete = true;
        finish();
    }

    /** The call ends for a reason that is not the upstream's doing: its permission goes back unused. */
    private void releaseBreaker() {
        if (permitted && !outcomeRecorded) {
            outcomeRecorded = true;
            route.breaker().releasePermission();
        }
    }

    private void recordOutcome(Throwable failure) {
        if (!permitted || outcomeRecorded) {
            return;
        }
        outcomeRecorded = true;
        long elapsed = System.nanoTime() - attemptStartedNanos;
        if (failure == null) {
            route.breaker().onSuccess(elapsed, TimeUnit.NANOSECONDS);
        } else {
            route.breaker().onError(elapsed, TimeUnit.NANOSECONDS, failure);
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            releasePendingBody();
            if (permitted) {
                route.bulkhead().onComplete();
            }
            if (route != null) {
                CitizenToken token = citizen != null ? citizen.token() : refusedToken;
                engine.usage().record(new UsageRecorder.Usage(route.code(), status,
                        (System.nanoTime() - startedNanos) / 1_000, HttpMethods.nameOf(request.method()), requestId, caller,
                        System.currentTimeMillis(), token == null ? null : token.jti(),
                        token == null ? null : token.sid(), token == null ? null : token.subject(),
                        token == null ? null : token.clientId(), route.entry().agencyId(), refusal));
            }
        }
        maybeFinish();
    }

    /** Hands the connection back once both directions are done. */
    private void maybeFinish() {
        if (finished && responseComplete && requestComplete) {
            connection.exchangeFinished(this, clientKeepAlive && !closeAfterResponse);
        } else if (finished && responseComplete && closeAfterResponse) {
            connection.exchangeFinished(this, false);
        }
    }

    /**
     * Lets go of the upstream connection: back to the pool when the exchange on it is complete and it may be kept
     * alive, closed otherwise. Returns the channel when it went back to the pool.
     */
    private Channel releaseUpstream(boolean complete) {
        Channel channel = upstream;
        if (channel == null) {
            return null;
        }
        upstream = null;
        if (upstreamHandler != null) {
            upstreamHandler.unbind();
            upstreamHandler = null;
        }
        if (complete && requestSent && upstreamKeepAlive && channel.isActive()) {
            engine.connector().release(channel, route.origin());
            return channel;
        }
        channel.close();
        return null;
    }

    private void abortUpstream() {
        Channel channel = upstream;
        if (channel != null) {
            upstream = null;
            if (upstreamHandler != null) {
                upstreamHandler.unbind();
                upstreamHandler = null;
            }
            channel.close();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void releasePendingBody() {
        if (pendingBody != null) {
            HttpContent content;
            while ((content = pendingBody.poll()) != null) {
                content.release();
            }
        }
    }

    private static Throwable rootOf(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 10; depth++) {
            if (t instanceof UnsafeUpstreamException || t instanceof SSLException) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }

    /** A 5xx answer from an upstream counts as a failure for its breaker. */
    static final class UpstreamServerError extends RuntimeException {
        UpstreamServerError(int status) {
            super("upstream answered " + status, null, false, false);
        }
    }
}
