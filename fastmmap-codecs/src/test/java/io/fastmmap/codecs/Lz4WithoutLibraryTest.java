package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CodecException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * lz4-java is optional in fastmmap-codecs (and in fastmmap-perl, which uses Lz4Compression for Perl's
 * {@code compressor => 'lz4'}): without it on the class path, asking for lz4 says which library to add instead of
 * failing with a bare NoClassDefFoundError.
 */
class Lz4WithoutLibraryTest {
    @Test
    void shouldNameTheMissingLibraryWhenLz4JavaIsNotOnTheClassPath() throws Exception {
        URL[] withoutLz4 = {codeSource(Lz4Compression.class), codeSource(CodecException.class)};
        try (URLClassLoader loader = new URLClassLoader(withoutLz4, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("net.jpountz.lz4.LZ4Factory"))
                    .as("the test's class path leaves lz4-java out").isInstanceOf(ClassNotFoundException.class);
            Class<?> lz4 = loader.loadClass(Lz4Compression.class.getName());
            Throwable thrown = null;
            try {
                lz4.getMethod("instance").invoke(null);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            assertThat(thrown).isNotNull();
            assertThat(thrown.getClass().getName()).isEqualTo(CodecException.class.getName());
            assertThat(thrown.getMessage()).contains("at.yawk.lz4:lz4-java");
        }
    }

    private static URL codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
