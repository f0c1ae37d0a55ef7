package io.fastmmap.session;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * The attribute values a session store may hand to many requests at once instead of deserializing a copy for each:
 * instances of these exact classes are immutable (a subclass could add state, so only the exact classes count).
 * Shared by fastmmap's session stores, the local one and the Redis tier.
 */
public final class ImmutableValues {
    private static final Set<Class<?>> TYPES = Set.of(String.class, Boolean.class, Character.class,
            Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class,
            BigDecimal.class, UUID.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class, OffsetDateTime.class, ZonedDateTime.class);

    private ImmutableValues() {
    }

    /**
     * @param value a deserialized attribute value, null included
     * @return true when {@code value} is of a class whose instances every request may share
     */
    public static boolean isShareable(Object value) {
        return value != null && TYPES.contains(value.getClass());
    }
}
