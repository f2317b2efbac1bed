package org.civicstack.identity.authorization;

import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.security.authentication.AuthenticationProvider;

/** Wrapping the library's authentication providers of an endpoint, the one way features change them. */
public final class AuthenticationProviders {

    private AuthenticationProviders() {
    }

    /**
     * Replaces every provider of the type with its wrapper.
     *
     * @throws IllegalStateException when there is none: the library changed, and the rule the wrapper adds would be
     *         silently missing
     */
    public static void wrap(List<AuthenticationProvider> providers, Class<?> type,
            UnaryOperator<AuthenticationProvider> wrapper) {
        boolean found = false;
        for (int i = 0; i < providers.size(); i++) {
            if (type.isInstance(providers.get(i))) {
                providers.set(i, wrapper.apply(providers.get(i)));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no " + type.getSimpleName() + " to wrap: the library changed");
        }
    }
}
