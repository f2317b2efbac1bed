package org.civicstack.platform.error;

import java.util.Optional;

/**
 * Turns an exception a service knows about into a {@link Problem}. Services and the gateway contribute beans of
 * this type for failures the platform cannot know (an upstream refusing connections, a driver's constraint
 * violation); the problem handler asks them in {@code @Order} before its own generic mapping.
 */
@FunctionalInterface
public interface ProblemMapper {

    /** The problem for {@code error}, or empty when this mapper does not recognise it. */
    Optional<Problem> map(Throwable error, String instance);
}
