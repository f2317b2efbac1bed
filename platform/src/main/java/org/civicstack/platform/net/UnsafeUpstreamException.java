package org.civicstack.platform.net;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;

/**
 * An upstream URL or address refused by {@link UpstreamUrlPolicy} or {@link UpstreamAddressGuard}.
 *
 * <p>It is not itself an {@link ApiProblem} because what it means to the client depends on where it is raised: at
 * registration it is the agency's input that is wrong ({@link #toProblem(String)}, a 422), at connect time in the
 * gateway the upstream has become unsafe after registration (the gateway maps that to its own 502). The message is
 * the reason's description and never echoes the input or a resolved address. No stack trace is recorded: this is
 * an expected outcome, and the guard may raise it for every refused connection.
 */
public final class UnsafeUpstreamException extends RuntimeException {

    /** The problem {@code code} of {@link #toProblem(String)}. */
    public static final String PROBLEM_CODE = "unsafe_upstream";

    private final UnsafeUpstreamReason reason;

    public UnsafeUpstreamException(UnsafeUpstreamReason reason) {
        super(Objects.requireNonNull(reason, "reason").description(), null, false, false);
        this.reason = reason;
    }

    public UnsafeUpstreamReason reason() {
        return reason;
    }

    /**
     * The 422 problem a registration endpoint throws: {@code code} {@value #PROBLEM_CODE}, one entry in
     * {@code errors} on {@code field} whose code is {@link UnsafeUpstreamReason#code()}.
     *
     * @param field the request field that held the URL, as the API names it (e.g. {@code base_url})
     */
    public ApiProblem toProblem(String field) {
        return new ApiProblem(422, PROBLEM_CODE, "Unsafe upstream", getMessage(),
                List.of(new FieldViolation(field, reason.code(), getMessage())), Map.of());
    }
}
