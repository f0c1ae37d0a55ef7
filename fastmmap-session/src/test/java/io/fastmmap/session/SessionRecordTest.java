package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SessionRecord}: a merge copies untouched attributes as they are and writes a record that decodes back. */
@SuppressWarnings("unchecked")
class SessionRecordTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> attributesOf(SessionRecord record) {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        for (int i = 0; i < record.attributeCount(); i++) {
            attributes.put(record.name(i), record.value(i));
        }
        return attributes;
    }

    private static SessionChanges changes(SessionDelta delta, long accessedMillis, long maxInactiveMillis) {
        // values are serialized as their UTF-8 text, so the test sees exactly which bytes end up where
        AttributeSerializer text = new AttributeSerializer() {
            @Override
            public byte[] serialize(String name, Object value) {
                return bytes(value.toString());
            }

            @Override
            public Object deserialize(String name, byte[] value) {
                return new String(value, StandardCharsets.UTF_8);
            }
        };
        return new SessionChanges(delta, text, accessedMillis, maxInactiveMillis);
    }

    @Test
    void aMergeReplacesInPlaceRemovesAppendsAndDecodesBack() {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        attributes.put("a", bytes("alpha"));
        attributes.put("b", bytes("beta"));
        attributes.put("c", bytes("gamma"));
        attributes.put("é", bytes("accent"));
        SessionRecord record = SessionRecord.of(1000, 2000, 60_000, "ada", attributes);

        SessionRecord merged = record.merge(changes(SessionDelta.builder().setAttribute("b", "BETA!")
                .removeAttribute("c").setAttribute("d", "delta").principalName("bob").build(), 3000, -1));

        SessionRecord decoded = SessionRecord.decode(merged.bytes(), "test");
        for (SessionRecord r : new SessionRecord[] {merged, decoded}) {
            assertThat(attributesOf(r)).containsOnlyKeys("a", "b", "é", "d");
            assertThat(attributesOf(r).keySet()).containsExactly("a", "b", "é", "d");
            assertThat(new String(attributesOf(r).get("b"), StandardCharsets.UTF_8)).isEqualTo("BETA!");
            assertThat(attributesOf(r).get("a")).isEqualTo(bytes("alpha"));
            assertThat(attributesOf(r).get("é")).isEqualTo(bytes("accent"));
            assertThat(attributesOf(r).get("d")).isEqualTo(bytes("delta"));
            assertThat(r.createdMillis).isEqualTo(1000);
            assertThat(r.lastAccessedMillis).isEqualTo(3000);
            assertThat(r.maxInactiveMillis).isEqualTo(60_000);
            assertThat(r.principalName).isEqualTo("bob");
        }
        // decoded values known for the old bytes stay known for the copied entries, and only for them
        assertThat(record.remember(0, "alpha")).isTrue();
        assertThat(record.remember(1, "beta")).isTrue();
        SessionRecord again = record.merge(changes(SessionDelta.builder().setAttribute("b", "x").build(), 3000, -1));
        assertThat(again.knownValue(0)).isEqualTo("alpha");
        assertThat(again.knownValue(1)).isNull();
        // the same record written from scratch has the same bytes: the copied entries were copied whole
        Map<String, byte[]> expected = new LinkedHashMap<>(attributesOf(merged));
        assertThat(SessionRecord.of(1000, 3000, 60_000, "bob", expected).bytes()).isEqualTo(merged.bytes());
    }

    @Test
    void theAccessTimeOnlyMovesForwardAndAnIntervalReplacesTheOld() {
        SessionRecord record = SessionRecord.of(1000, 5000, 60_000, null, Map.of("a", bytes("x")));
        SessionRecord merged = record.merge(changes(SessionDelta.builder().build(), 4000, 30_000));
        assertThat(merged.lastAccessedMillis).isEqualTo(5000);
        assertThat(merged.maxInactiveMillis).isEqualTo(30_000);
        assertThat(merged.principalName).isNull();
        assertThat(attributesOf(merged).get("a")).isEqualTo(bytes("x"));
    }

    @Test
    void listsAndMapsAreRememberedAsCopiesAndHandedOutAsCopies() {
        SessionRecord record = SessionRecord.of(1, 2, 3, null, Map.of("cart", bytes("[]"), "java", bytes("x")));
        List<Object> inner = new ArrayList<>(List.of("pen"));
        Map<String, Object> cart = new LinkedHashMap<>();
        cart.put("items", new ArrayList<>(List.of(inner, 2)));
        assertThat(record.remember(0, cart)).as("mutable: not to be shared").isFalse();
        inner.add("changed by the request that deserialized it");

        Object first = record.knownValue(0);
        Object second = record.knownValue(0);
        Map<String, Object> expected = Map.of("items", List.of(List.of("pen"), 2));
        assertThat(first).isEqualTo(expected).isInstanceOf(LinkedHashMap.class).isNotSameAs(second);
        ((List<Object>) ((List<Object>) ((Map<String, Object>) first).get("items")).get(0)).add("mine");
        assertThat(second).isEqualTo(expected);
        assertThat(record.knownValue(0)).isEqualTo(expected);

        // anything else mutable (a Java-serialized object, a list that contains itself) is not remembered
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        assertThat(record.remember(1, loop)).isFalse();
        assertThat(record.remember(1, new StringBuilder("x"))).isFalse();
        assertThat(record.knownValue(1)).isNull();
    }

    @Test
    void everyTruncationOfARecordIsRefusedAsCorrupt() {
        byte[] full = SessionRecord.of(1, 2, 3, "ada", Map.of("name", bytes("value"))).bytes();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> SessionRecord.decode(cut, "s:cut"))
                    .isInstanceOf(SessionRecord.CorruptSessionException.class).hasMessageContaining("s:cut");
        }
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertThatThrownBy(() -> SessionRecord.decode(longer, "s:long"))
                .isInstanceOf(SessionRecord.CorruptSessionException.class).hasMessageContaining("after its last");
    }
}
