package io.fastmmap.perl;

import java.util.Objects;

/**
 * A blessed Perl reference as {@link Storable} reads and writes it: the class name and the blessed thing (a
 * {@code Map} for a blessed hash, a {@code List} for a blessed array, or a scalar value).
 *
 * @param className the Perl package, e.g. {@code "MyApp::User"}
 * @param value the blessed hash, array or scalar, in the types {@link Storable} uses
 */
public record PerlObject(String className, Object value) {
    /** @throws IllegalArgumentException when the class name is empty */
    public PerlObject {
        Objects.requireNonNull(className, "className");
        if (className.isEmpty()) {
            throw new IllegalArgumentException("a Perl class name cannot be empty");
        }
    }
}
