package io.fastmmap.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Codec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep comparison for {@link Codec#plainData()}: equal values, the exact same classes (an Integer must not come
 * back as a Long, a list must come back as an ArrayList), byte arrays by content, maps in the same key order.
 */
final class PlainDataAssert {
    private PlainDataAssert() {
    }

    static void assertSameData(Object decoded, Object original) {
        assertSameData(decoded, original, "the top");
    }

    private static void assertSameData(Object decoded, Object original, String path) {
        if (original == null) {
            assertThat(decoded).as(path).isNull();
        } else if (original instanceof List<?> list) {
            assertThat(decoded).as(path).isExactlyInstanceOf(ArrayList.class);
            List<?> back = (List<?>) decoded;
            assertThat(back).as(path + " size").hasSameSizeAs(list);
            for (int i = 0; i < list.size(); i++) {
                assertSameData(back.get(i), list.get(i), path + "[" + i + "]");
            }
        } else if (original instanceof Map<?, ?> map) {
            assertThat(decoded).as(path).isExactlyInstanceOf(LinkedHashMap.class);
            Map<?, ?> back = (Map<?, ?>) decoded;
            assertThat(back).as(path + " size").hasSameSizeAs(map);
            Iterator<? extends Map.Entry<?, ?>> backEntries = back.entrySet().iterator();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Map.Entry<?, ?> backEntry = backEntries.next();
                assertSameData(backEntry.getKey(), entry.getKey(), path + " key " + entry.getKey());
                assertSameData(backEntry.getValue(), entry.getValue(), path + "." + entry.getKey());
            }
        } else if (original instanceof byte[] bytes) {
            assertThat(decoded).as(path).isExactlyInstanceOf(byte[].class);
            assertThat((byte[]) decoded).as(path).isEqualTo(bytes);
        } else {
            assertThat(decoded).as(path).isExactlyInstanceOf(original.getClass()).isEqualTo(original);
        }
    }
}
