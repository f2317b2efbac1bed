package org.civicstack.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.util.List;

import org.slf4j.LoggerFactory;

/**
 * One service running in this JVM inside its own class loader, built only from that service's jar (its parent is
 * the platform class loader, so nothing of the launcher or of another service is visible). Spring MVC in identity
 * and WebFlux plus Spring Cloud Gateway elsewhere therefore never meet on one class path.
 */
final class IsolatedService implements Closeable {

    private final ServiceSpec spec;
    private final URLClassLoader loader;
    private final Closeable context;
    private final int port;

    private IsolatedService(ServiceSpec spec, URLClassLoader loader, Closeable context, int port) {
        this.spec = spec;
        this.loader = loader;
        this.context = context;
        this.port = port;
    }

    /** Runs {@code SpringApplication.run(StartClass, args)} in the service's loader and waits for it to be ready. */
    static IsolatedService start(ServiceSpec spec, UnpackedServiceJar jar, List<String> args) {
        URLClassLoader loader = new URLClassLoader("civicstack-" + spec.name(), jar.classPath(),
                ClassLoader.getPlatformClassLoader());
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            Class<?> startClass = loader.loadClass(jar.startClass());
            Class<?> springApplication = loader.loadClass("org.springframework.boot.SpringApplication");
            Method run = springApplication.getMethod("run", Class.class, String[].class);
            Object context = run.invoke(null, startClass, args.toArray(String[]::new));
            Object environment = context.getClass().getMethod("getEnvironment").invoke(context);
            Method getProperty = loader.loadClass("org.springframework.core.env.PropertyResolver")
                    .getMethod("getProperty", String.class);
            String localPort = (String) getProperty.invoke(environment, "local.server.port");
            return new IsolatedService(spec, loader, (Closeable) context, Integer.parseInt(localPort));
        } catch (InvocationTargetException e) {
            closeQuietly(loader);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new LaunchException(spec.name() + " failed to start: " + rootMessage(cause), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            closeQuietly(loader);
            throw new LaunchException(spec.name() + " could not be loaded from its jar: " + e, e);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    ServiceSpec spec() {
        return spec;
    }

    int port() {
        return port;
    }

    /** Graceful: the service finishes in-flight requests (bounded by its shutdown timeout), then its loader closes. */
    @Override
    public void close() {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            context.close();
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(IsolatedService.class).warn("stopping {} failed: {}", spec.name(), e.toString());
        } finally {
            current.setContextClassLoader(previous);
            closeQuietly(loader);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing useful to do while shutting down
        }
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message != null ? message : root.getClass().getSimpleName();
    }
}
