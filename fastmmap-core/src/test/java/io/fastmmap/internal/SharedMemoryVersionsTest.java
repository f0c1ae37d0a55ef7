package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The multi-release jar holds two {@link SharedMemory} classes: the Java 17 one at the top and the Java 22+ one
 * under {@code META-INF/versions/22}. The engine is compiled against the Java 17 one only, so a method that one of
 * them lacks, or declares differently, would fail at run time on the other JDK ({@code NoSuchMethodError}). This
 * test loads the Java 17 class file beside the Java 22+ class the running JDK uses and compares their non-private
 * members. It needs Java 22+ (Java 17 cannot load the newer class file); run-tests.sh runs it on JDK 25.
 */
class SharedMemoryVersionsTest {
    private static final String CLASS_FILE = "io/fastmmap/internal/SharedMemory.class";

    @Test
    void theJava17AndJava22ClassesShouldDeclareTheSameMembers() throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "needs Java 22+ to load both class files");
        Class<?> java22 = SharedMemory.class;
        Class<?> java17 = new BaseVersionLoader(baseClassFile()).loadClass(SharedMemory.class.getName());
        assertThat(java22).as("the running JDK uses the Java 22+ class").isNotSameAs(java17);
        assertThat(java17.getDeclaredFields()).as("sanity: the Java 17 class maps ByteBuffer chunks")
                .anyMatch(field -> field.getName().equals("chunks"));
        assertThat(members(java17)).as("non-private members of the Java 17 SharedMemory vs the Java 22+ one")
                .isEqualTo(members(java22));
    }

    private static Set<String> members(Class<?> type) {
        Set<String> members = new TreeSet<>();
        for (Method method : type.getDeclaredMethods()) {
            if (!Modifier.isPrivate(method.getModifiers()) && !method.isSynthetic()) {
                members.add(Modifier.toString(method.getModifiers()) + " " + method.getReturnType().getName() + " "
                        + method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getName)
                                .collect(Collectors.joining(", ", "(", ")"))
                        + Arrays.stream(method.getExceptionTypes()).map(thrown -> " throws " + thrown.getName())
                                .collect(Collectors.joining()));
            }
        }
        members.add("class " + Modifier.toString(type.getModifiers()) + " implements "
                + Arrays.toString(type.getInterfaces()));
        return members;
    }

    /** The top-level (Java 17) class file of the jar or class directory SharedMemory was loaded from. */
    private static byte[] baseClassFile() throws Exception {
        URI location = SharedMemory.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            return Files.readAllBytes(path.resolve(CLASS_FILE));
        }
        try (JarFile jar = new JarFile(path.toFile()); InputStream in = jar.getInputStream(jar.getEntry(CLASS_FILE))) {
            return in.readAllBytes(); // a JarFile opened this way does not resolve versioned entries
        }
    }

    /** Defines SharedMemory from the given bytes and leaves every other class to the test's own loader. */
    private static final class BaseVersionLoader extends ClassLoader {
        private final byte[] classFile;

        BaseVersionLoader(byte[] classFile) {
            super(SharedMemoryVersionsTest.class.getClassLoader());
            this.classFile = classFile;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(SharedMemory.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : defineClass(name, classFile, 0, classFile.length);
            }
        }
    }
}
