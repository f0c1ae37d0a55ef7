package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URL;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JSON for what it gives back as it was, Java serialization behind an allow-list for the rest. */
class SerializationTest {
    record Cart(List<String> items) implements Serializable {
    }

    static final class NotListed implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final DefaultAttributeSerializer json = DefaultAttributeSerializer.jsonOnly();

    /** What a store gets without a serializer setting. */
    private static AttributeSerializer defaultSerializer() {
        return SessionStoreConfig.builder("defaults").build().serializer();
    }

    private static Object roundTrip(AttributeSerializer s, Object value) {
        return s.deserialize("a", s.serialize("a", value));
    }

    @Test
    void plainValuesRoundTripAsEqualJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("items", new ArrayList<>(List.of("book", "pen")));
        nested.put("count", 2);
        nested.put("price", 9.5);
        nested.put("gift", false);
        nested.put("note", null);
        for (Object value : List.of("møøse", 456, 7_000_000_000L, 3L, 2.0, true, new ArrayList<>(List.of(1, "x")),
                nested)) {
            Object back = roundTrip(json, value);
            assertThat(back).isEqualTo(value);
            assertThat(back.getClass().getSimpleName()).isNotEmpty();
        }
        assertThat(roundTrip(json, 3L)).isInstanceOf(Long.class);
        byte[] bytes = json.serialize("a", nested);
        assertThat(new String(bytes, 1, bytes.length - 1, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"items\":[\"book\",\"pen\"],\"count\":2,\"price\":9.5,\"gift\":false,\"note\":null}");
    }

    @Test
    void valuesClaimedToReadBackEqualDoSoWithTheirClass() {
        List<Object> claimed = new ArrayList<>();
        for (Object value : List.of("", "plain", "møøse \"quoted\" \\ \n\u2603", Integer.MIN_VALUE, -1, 0,
                2_000_000_000, Long.MIN_VALUE, 0L, 7_000_000_000L, true, false, 2.5, List.of(1))) {
            if (json.readsBackEqual(value)) {
                claimed.add(value);
                Object back = roundTrip(json, value);
                assertThat(back).isEqualTo(value).isInstanceOf(value.getClass());
            }
        }
        assertThat(claimed).hasSize(12); // all but the double and the list, which it does not vouch for
        assertThat(new AttributeSerializer() {
            @Override
            public byte[] serialize(String name, Object value) {
                return new byte[0];
            }

            @Override
            public Object deserialize(String name, byte[] bytes) {
                return null;
            }
        }.readsBackEqual("x")).as("a custom serializer is not trusted by default").isFalse();
    }

    @Test
    void valuesJsonCannotCarryAreRefusedWithTheFix() {
        assertThatThrownBy(() -> json.serialize("cart", new Cart(List.of("x"))))
                .isInstanceOf(SessionSerializationException.class).hasMessageContaining("\"cart\"")
                .hasMessageContaining(Cart.class.getName()).hasMessageContaining("java-allowed-classes");
        assertThatThrownBy(() -> json.serialize("when", Instant.EPOCH)).isInstanceOf(SessionSerializationException.class);
        // a nested Long would come back as Integer, so it is not JSON's either
        assertThatThrownBy(() -> json.serialize("ids", List.of(1L))).isInstanceOf(SessionSerializationException.class);
        assertThatThrownBy(() -> json.serialize("tags", new TreeSet<>(List.of("a"))))
                .isInstanceOf(SessionSerializationException.class);
        // lists and maps JSON would give back as another class
        assertThatThrownBy(() -> json.serialize("m", new HashMap<>(Map.of("a", 1))))
                .isInstanceOf(SessionSerializationException.class).hasMessageContaining("java.util.HashMap");
        assertThatThrownBy(() -> json.serialize("l", List.of(1))).isInstanceOf(SessionSerializationException.class);
    }

    @Test
    void javaSerializationReadsOnlyAllowedClasses() {
        DefaultAttributeSerializer java = DefaultAttributeSerializer.withJavaSerialization(
                "io.fastmmap.session.SerializationTest$Cart", "java.util.*");
        Cart cart = new Cart(new ArrayList<>(List.of("book")));
        assertThat(roundTrip(java, cart)).isEqualTo(cart);
        assertThat(roundTrip(java, Instant.EPOCH)).isEqualTo(Instant.EPOCH);
        assertThat(java.serialize("n", 5)[0]).isEqualTo((byte) 'J'); // plain values stay JSON

        byte[] refused = DefaultAttributeSerializer.withJavaSerialization("io.fastmmap.session.*")
                .serialize("x", new NotListed());
        assertThatThrownBy(() -> java.deserialize("x", refused)).isInstanceOf(SessionSerializationException.class)
                .hasMessageContaining("allow-list").hasMessageContaining(NotListed.class.getName());

        // bytes written with Java serialization are not readable where it is switched off
        assertThatThrownBy(() -> json.deserialize("cart", java.serialize("cart", cart)))
                .hasMessageContaining("switched off");
    }

    /** Spring's FlashMap: a HashMap subclass that JSON would give back as a LinkedHashMap (issue 18, item 1). */
    static final class Flash extends HashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        String targetPath = "/done";
    }

    @Test
    void jsonTakesOnlyWhatItGivesBackAsTheSameClass() {
        DefaultAttributeSerializer s = DefaultAttributeSerializer.withJavaSerialization("io.fastmmap.session.*");
        Flash flash = new Flash();
        flash.put("message", "saved");
        List<Object> values = new ArrayList<>(List.of(new ArrayList<>(List.of(flash)), flash,
                new HashMap<>(Map.of("a", 1)), List.of("x", "y"), Map.of("k", "v"), Set.of(1),
                Arrays.asList("a", "b"), Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                new TreeMap<>(Map.of("b", 2)), new LinkedList<>(List.of("q"))));
        for (Object value : values) {
            Object back = roundTrip(s, value);
            assertThat(back).as("%s", value.getClass()).isEqualTo(value).hasSameClassAs(value);
        }
        @SuppressWarnings("unchecked")
        List<Flash> flashes = (List<Flash>) roundTrip(s, new ArrayList<>(List.of(flash)));
        assertThat(flashes.get(0).targetPath).isEqualTo("/done");
        assertThat(s.serialize("a", new ArrayList<>(List.of(1)))[0]).isEqualTo((byte) 'J');
        assertThat(s.serialize("a", new LinkedHashMap<>(Map.of("k", "v")))[0]).isEqualTo((byte) 'J');
        assertThat(s.serialize("a", new HashMap<>(Map.of("k", "v")))[0]).isEqualTo((byte) 'S');
    }

    @Test
    void jdkValueTypesRoundTripByDefault() throws Exception {
        AttributeSerializer s = defaultSerializer();
        TreeMap<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Accept", "text/html");
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", new URL("https://issuer.example/realms/x"));
        claims.put("iat", Instant.ofEpochSecond(1_700_000_000L));
        claims.put("aud", List.of("client"));
        List<Object> values = List.of(URI.create("https://example.com/a?b=c"), new URL("https://example.com/x"),
                Instant.ofEpochMilli(123), LocalDate.of(2026, 12, 6), LocalDateTime.of(2026, 1, 2, 3, 4),
                ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 6, ZoneId.of("Europe/Berlin")), Duration.ofSeconds(90),
                OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), ZoneId.of("America/New_York"),
                new BigDecimal("12.345"), new BigInteger("123456789012345678901234567890"), UUID.randomUUID(),
                Locale.CANADA_FRENCH, DayOfWeek.FRIDAY, TimeUnit.SECONDS, RoundingMode.HALF_EVEN, 7.5f,
                (short) 3, 'c', new Date(5), Currency.getInstance("EUR"), headers, claims,
                new ConcurrentHashMap<>(Map.of("a", 1L)), new CopyOnWriteArrayList<>(List.of("a")),
                new TreeSet<>(Set.of("b", "a")), EnumSet.of(DayOfWeek.MONDAY), List.of(),
                new ArrayList<>(List.of(1L, 2L)));
        for (Object value : values) {
            Object back = roundTrip(s, value);
            assertThat(back).as("%s", value.getClass()).isEqualTo(value).hasSameClassAs(value);
        }
        assertThat(((String[]) roundTrip(s, new String[] {"a"}))).containsExactly("a");
        assertThat(((long[]) roundTrip(s, new long[] {1, 2}))).containsExactly(1, 2);
    }

    @Test
    void valuesThatCouldNotBeReadBackAreRefusedWhenWritten() {
        AttributeSerializer s = defaultSerializer();
        assertThatThrownBy(() -> s.serialize("cart", new Cart(new ArrayList<>(List.of("x")))))
                .isInstanceOf(SessionSerializationException.class).hasMessageContaining("\"cart\"")
                .hasMessageContaining(Cart.class.getName())
                .hasMessageContaining("fastmmap.session.serialization.java-allowed-classes=io.fastmmap.session.*");
        // a JDK value holding an application class is refused for that class
        assertThatThrownBy(() -> s.serialize("m", new HashMap<>(Map.of("c", new NotListed()))))
                .hasMessageContaining(NotListed.class.getName());
        List<Object> deep = new ArrayList<>(List.of(1L));
        for (int i = 0; i < 80; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        List<Object> tooDeep = deep;
        assertThatThrownBy(() -> s.serialize("deep", tooDeep)).isInstanceOf(SessionSerializationException.class)
                .hasMessageContaining("deeper than 64");
        assertThat(roundTrip(DefaultAttributeSerializer.withJavaSerialization("io.fastmmap.session.*"),
                new Cart(new ArrayList<>(List.of("x"))))).isEqualTo(new Cart(List.of("x")));
    }

    @Test
    void allowEverythingPatternsAreRefused() {
        assertThatThrownBy(() -> DefaultAttributeSerializer.withJavaSerialization("**"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every class");
        assertThatThrownBy(() -> DefaultAttributeSerializer.withJavaSerialization("a.*;!*"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DefaultAttributeSerializer.withJavaSerialization())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
