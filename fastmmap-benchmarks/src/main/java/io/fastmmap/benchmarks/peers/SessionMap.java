package io.fastmmap.benchmarks.peers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastmmap.Codec;
import io.fastmmap.codecs.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ~1 KiB web session of workload W2: the attributes a typical application keeps (user, roles, CSRF token,
 * times, preferences, a shopping cart), as nested maps and lists of strings, numbers and booleans.
 *
 * <p>Each side stores it with its binary codec for plain data: Cache::FastMmap with Storable (its default), fastmmap
 * with {@link Codec#plainDataMap()} ({@link #encode}, {@link #decode}); or fastmmap with its JSON codec,
 * fastmmap-codecs' {@link JsonCodec} ({@link #JSON_CODEC}), the pairing the issue names for W2. JSON is also the
 * interchange: the Perl driver
 * reads the map from {@code session.json} ({@link #toJson}), and the map grows until its JSON has
 * {@link #TARGET_BYTES}, so the workload is the same map as when fastmmap stored JSON (1,101 bytes of JSON, 992 of
 * plain data: the strings are most of it). {@link SessionCodecBenchmark} compares the two codecs.
 */
final class SessionMap {
    /** The JSON of the map is at least this long. */
    static final int TARGET_BYTES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Map<String, Object>> PLAIN_DATA = Codec.plainDataMap();
    /**
     * The JSON codec as an application would create it for a session: typed as a map, with the codec's own default
     * mapper, which lets it build the tree from Jackson's streaming parser without databind (a codec given a mapper
     * reads through it).
     */
    static final Codec<Map<String, Object>> JSON_CODEC = JsonCodec.of(new TypeReference<Map<String, Object>>() { });

    private SessionMap() {
    }

    static Map<String, Object> create() {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("userId", 482_913);
        session.put("userName", "alice.martin");
        session.put("email", "alice.martin@example.org");
        session.put("roles", List.of("user", "editor", "billing"));
        session.put("locale", "en_GB");
        session.put("csrfToken", "q8Zt3vN0xkR2mWc9LbY7sJ4hFdP1aGe6UoTn5iKr-Xw");
        session.put("authenticated", true);
        session.put("createdAtMillis", 1_764_500_000_000L);
        session.put("lastAccessAtMillis", 1_764_503_600_000L);
        Map<String, Object> preferences = new LinkedHashMap<>();
        preferences.put("theme", "dark");
        preferences.put("pageSize", 50);
        preferences.put("timezone", "Europe/London");
        preferences.put("newsletter", false);
        session.put("preferences", preferences);
        List<Object> cart = new ArrayList<>();
        session.put("cart", cart);
        for (int item = 0; toJson(session).length < TARGET_BYTES; item++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("sku", "SKU-" + (10_001 + item * 37));
            line.put("name", "Item number " + item + " of the cart");
            line.put("quantity", 1 + item % 3);
            line.put("unitPrice", 4.99 + item * 2.5);
            cart.add(line);
        }
        return session;
    }

    /** @return the bytes fastmmap stores for the session */
    static byte[] encode(Map<String, Object> session) {
        return PLAIN_DATA.encode(session);
    }

    /** @return the session stored as {@link #encode} wrote it */
    static Map<String, Object> decode(byte[] stored) {
        return PLAIN_DATA.decode(stored);
    }

    static byte[] toJson(Map<String, Object> session) {
        try {
            return JSON.writeValueAsBytes(session);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the session map: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fromJson(byte[] json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("session.json is not the JSON the benchmark wrote", e);
        }
    }
}
