package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** JSON by default, Java serialization only with an allow-list. */
class SerializationTest {
    record Cart(List<String> items) implements Serializable {
    }

    static final class NotListed implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final DefaultAttributeSerializer json = DefaultAttributeSerializer.jsonOnly();

    private static Object roundTrip(AttributeSerializer s, Object value) {
        return s.deserialize("a", s.serialize("a", value));
    }

    @Test
    void plainValuesRoundTripAsEqualJson() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("items", List.of("book", "pen"));
        nested.put("count", 2);
        nested.put("price", 9.5);
        nested.put("gift", false);
        nested.put("note", null);
        for (Object value : List.of("møøse", 456, 7_000_000_000L, 3L, 2.0, true, List.of(1, "x"), nested)) {
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
    }

    @Test
    void javaSerializationReadsOnlyAllowedClasses() {
        DefaultAttributeSerializer java = DefaultAttributeSerializer.withJavaSerialization(
                "io.fastmmap.session.SerializationTest$Cart", "java.util.*");
        Cart cart = new Cart(new ArrayList<>(List.of("book")));
        assertThat(roundTrip(java, cart)).isEqualTo(cart);
        assertThat(roundTrip(java, Instant.EPOCH)).isEqualTo(Instant.EPOCH);
        assertThat(java.serialize("n", 5)[0]).isEqualTo((byte) 'J'); // plain values stay JSON

        byte[] refused = java.serialize("x", new NotListed());
        assertThatThrownBy(() -> java.deserialize("x", refused)).isInstanceOf(SessionSerializationException.class)
                .hasMessageContaining("allow-list");

        // bytes written with Java serialization are not readable where it is switched off
        assertThatThrownBy(() -> json.deserialize("cart", java.serialize("cart", cart)))
                .hasMessageContaining("switched off");
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
