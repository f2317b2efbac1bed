package org.civicstack.identity.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Matches requests that no Spring MVC handler serves, i.e. that will end in a 404. Lets identity answer an unknown
 * path with the platform's anonymous problem+json 404 (the service contract) while everything that does exist
 * requires authentication unless it is explicitly public.
 *
 * <p>Asks the same handler mappings the {@code DispatcherServlet} uses, on a copy of the request whose attributes
 * are kept apart, so probing leaves no trace on the real request. When a mapping recognises the path but refuses
 * the request (wrong method or media type), the path exists and this matcher does not match: such requests stay
 * behind authentication. Needs static resource mappings off ({@code spring.web.resources.add-mappings=false}),
 * since a catch-all {@code /**} resource handler would make every path "exist" (which fails closed: 401).
 */
final class UnmappedRequestMatcher implements RequestMatcher {

    private final ListableBeanFactory beans;
    private volatile List<HandlerMapping> mappings;

    UnmappedRequestMatcher(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        HttpServletRequest probe = new IsolatedAttributesRequest(request);
        try {
            ServletRequestPathUtils.parseAndCache(probe);
            for (HandlerMapping mapping : mappings()) {
                if (mapping.getHandler(probe) != null) {
                    return false;
                }
            }
            return true;
        } catch (Exception refusedByAMapping) {
            return false;
        }
    }

    private List<HandlerMapping> mappings() {
        List<HandlerMapping> current = mappings;
        if (current == null) {
            List<HandlerMapping> found = new ArrayList<>(
                    BeanFactoryUtils.beansOfTypeIncludingAncestors(beans, HandlerMapping.class, true, false).values());
            AnnotationAwareOrderComparator.sort(found);
            current = List.copyOf(found);
            mappings = current;
        }
        return current;
    }

    /** Reads fall through to the real request; writes (path caches, matched patterns) stay on the copy. */
    private static final class IsolatedAttributesRequest extends HttpServletRequestWrapper {

        private final Map<String, Object> written = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        IsolatedAttributesRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            if (written.containsKey(name)) {
                return written.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            removed.remove(name);
            written.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            written.remove(name);
            removed.add(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(written.keySet());
            return Collections.enumeration(names);
        }
    }
}
