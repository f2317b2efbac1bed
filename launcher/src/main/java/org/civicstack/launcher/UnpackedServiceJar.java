package org.civicstack.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A service's executable jar, unpacked once into a cache folder next to it so that a plain {@link java.net.URLClassLoader}
 * can load it: {@code BOOT-INF/classes} plus every library in the order of {@code BOOT-INF/classpath.idx}. The
 * folder is keyed by the jar's size and time stamp, so a rebuilt jar is unpacked afresh.
 */
final class UnpackedServiceJar {

    /** Bump when what is unpacked changes, so caches from an older launcher are not reused. */
    static final int LAYOUT_VERSION = 2;

    private final String startClass;
    private final List<URL> classPath;

    private UnpackedServiceJar(String startClass, List<URL> classPath) {
        this.startClass = startClass;
        this.classPath = classPath;
    }

    String startClass() {
        return startClass;
    }

    URL[] classPath() {
        return classPath.toArray(URL[]::new);
    }

    static UnpackedServiceJar unpack(Path jar) {
        try {
            Path cacheRoot = jar.getParent().resolve(".unpacked");
            String key = jar.getFileName().toString().replace(".jar", "") + "-" + Files.size(jar) + "-"
                    + Files.getLastModifiedTime(jar).toMillis() + "-v" + LAYOUT_VERSION;
            Path target = cacheRoot.resolve(key);
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                Attributes manifest = jarFile.getManifest().getMainAttributes();
                String startClass = manifest.getValue("Start-Class");
                if (startClass == null) {
                    throw new LaunchException(jar + " is not a Spring Boot executable jar (no Start-Class)");
                }
                if (!Files.isDirectory(target)) {
                    removeStale(cacheRoot, jar.getFileName().toString().replace(".jar", "") + "-");
                    extract(jarFile, cacheRoot, target);
                }
                return new UnpackedServiceJar(startClass, classPath(jarFile, target));
            }
        } catch (IOException e) {
            throw new LaunchException("Cannot read service jar " + jar + ": " + e.getMessage(), e);
        }
    }

    private static void extract(JarFile jarFile, Path cacheRoot, Path target) throws IOException {
        Files.createDirectories(cacheRoot);
        Path staging = Files.createTempDirectory(cacheRoot, "staging-");
        Enumeration<JarEntry> entries = jarFile.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (entry.isDirectory() || !(name.startsWith("BOOT-INF/") || isApplicationMetaInf(name))) {
                continue;
            }
            // the application's own META-INF (spring.factories, …) sits at the jar's root in Boot's layout
            Path out = (name.startsWith("BOOT-INF/") ? staging.resolve(name) : staging.resolve("ROOT").resolve(name)).normalize();
            if (!out.startsWith(staging)) {
                throw new IOException("entry outside the jar's folder: " + entry.getName());
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = jarFile.getInputStream(entry)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // another launcher unpacked the same jar concurrently: use theirs
            deleteTree(staging);
            if (!Files.isDirectory(target)) {
                throw e;
            }
        }
    }

    static boolean isApplicationMetaInf(String name) {
        // the loader's own service registration belongs to Spring Boot's launcher, which we do not use
        return name.startsWith("META-INF/") && !name.equals("META-INF/MANIFEST.MF") && !name.startsWith("META-INF/maven/")
                && !name.startsWith("META-INF/versions/")
                && !name.equals("META-INF/services/java.nio.file.spi.FileSystemProvider");
    }

    private static List<URL> classPath(JarFile jarFile, Path target) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(url(target.resolve("BOOT-INF/classes")));
        if (Files.isDirectory(target.resolve("ROOT"))) {
            urls.add(url(target.resolve("ROOT")));
        }
        JarEntry index = jarFile.getJarEntry("BOOT-INF/classpath.idx");
        if (index != null) {
            String text;
            try (InputStream in = jarFile.getInputStream(index)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String line : text.split("\n")) {
                String entry = line.trim();
                if (entry.startsWith("- \"") && entry.endsWith("\"")) {
                    urls.add(url(target.resolve(entry.substring(3, entry.length() - 1))));
                }
            }
        } else {
            try (Stream<Path> libs = Files.list(target.resolve("BOOT-INF/lib"))) {
                libs.sorted().forEach(lib -> urls.add(url(lib)));
            }
        }
        return urls;
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeStale(Path cacheRoot, String prefix) throws IOException {
        if (!Files.isDirectory(cacheRoot)) {
            return;
        }
        try (Stream<Path> old = Files.list(cacheRoot)) {
            for (Path dir : old.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                deleteTree(dir);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
