package org.civicstack.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

/**
 * One service running in this JVM inside its own class loader, built only from that service's jar (its parent is
 * the platform class loader, so nothing of the launcher or of another service is visible). Spring MVC in identity
 * and WebFlux plus Spring Cloud Gateway elsewhere therefore never meet on one class path.
 */
final class IsolatedService implements Closeable {

    /** {@code StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME}. */
    private static final String SYSTEM_ENVIRONMENT = "systemEnvironment";

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

    /**
     * Runs the service's {@code SpringApplication} in its loader and waits for it to be ready.
     *
     * @param environment the environment variables the service sees, or {@code null} for the JVM's own (see
     *         {@link LauncherSettings#environment()})
     */
    static IsolatedService start(ServiceSpec spec, UnpackedServiceJar jar, List<String> args,
            Map<String, String> environment) {
        URLClassLoader loader = new URLClassLoader("civicstack-" + spec.name(), jar.classPath(),
                ClassLoader.getPlatformClassLoader());
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            Class<?> startClass = loader.loadClass(jar.startClass());
            Class<?> springApplication = loader.loadClass("org.springframework.boot.SpringApplication");
            Object application = springApplication.getConstructor(Class[].class)
                    .newInstance((Object) new Class<?>[] {startClass});
            // Spring finds the "main application class" by looking for a main method on the calling stack, which
            // is the launcher's (or none, on a starter thread): each service is to log its own name
            springApplication.getMethod("setMainApplicationClass", Class.class).invoke(application, startClass);
            if (environment != null) {
                useEnvironment(loader, springApplication, application, environment);
            }
            Object context = springApplication.getMethod("run", String[].class)
                    .invoke(application, (Object) args.toArray(String[]::new));
            Object contextEnvironment = context.getClass().getMethod("getEnvironment").invoke(context);
            Method getProperty = loader.loadClass("org.springframework.core.env.PropertyResolver")
                    .getMethod("getProperty", String.class);
            String localPort = (String) getProperty.invoke(contextEnvironment, "local.server.port");
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

    /**
     * Makes the service read its environment variables from {@code environment} instead of the JVM's: a listener
     * that runs before any other (before config data and every environment post-processor) replaces the
     * {@code systemEnvironment} property source. Built as a proxy, since the Spring interfaces exist only inside
     * the service's loader.
     */
    private static void useEnvironment(URLClassLoader loader, Class<?> springApplication, Object application,
            Map<String, String> environment) throws ReflectiveOperationException {
        Class<?> listenerType = loader.loadClass("org.springframework.context.ApplicationListener");
        Class<?> orderedType = loader.loadClass("org.springframework.core.Ordered");
        Class<?> preparedEvent = loader.loadClass("org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent");
        Class<?> propertySourceType = loader.loadClass("org.springframework.core.env.PropertySource");
        Class<?> systemEnvironmentSource = loader.loadClass("org.springframework.core.env.SystemEnvironmentPropertySource");
        Map<String, Object> variables = Map.copyOf(environment);
        InvocationHandler handler = (proxy, method, arguments) -> switch (method.getName()) {
            case "onApplicationEvent" -> {
                if (preparedEvent.isInstance(arguments[0])) {
                    Object env = preparedEvent.getMethod("getEnvironment").invoke(arguments[0]);
                    Object sources = env.getClass().getMethod("getPropertySources").invoke(env);
                    Object replacement = systemEnvironmentSource.getConstructor(String.class, Map.class)
                            .newInstance(SYSTEM_ENVIRONMENT, variables);
                    sources.getClass().getMethod("replace", String.class, propertySourceType)
                            .invoke(sources, SYSTEM_ENVIRONMENT, replacement);
                }
                yield null;
            }
            case "getOrder" -> Integer.MIN_VALUE;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == arguments[0];
            case "toString" -> "launcher environment for " + application;
            default -> method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, arguments) : null;
        };
        Object listener = Proxy.newProxyInstance(loader, new Class<?>[] {listenerType, orderedType}, handler);
        Object listeners = Array.newInstance(listenerType, 1);
        Array.set(listeners, 0, listener);
        springApplication.getMethod("addListeners", listeners.getClass()).invoke(application, listeners);
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
