package io.fastmmap.internal.codec;

import static io.fastmmap.internal.codec.PlainDataAssert.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link Codec#plainData()} over generated nested values: every value comes back with the same
 * types and the same bytes, and bytes that are random, cut short or changed only ever give a
 * {@link CodecException} (never an {@code ArrayIndexOutOfBoundsException}, an {@code OutOfMemoryError} or a
 * silently different value from a cut).
 */
class PlainDataPropertyTest {
    private static final Codec<Object> CODEC = Codec.plainData();

    @Property(tries = 500)
    void shouldRoundTripNestedValuesWithTheirExactTypes(@ForAll("values") Object value) {
        byte[] encoded = CODEC.encode(value);
        Object decoded = CODEC.decode(encoded);
        assertSameData(decoded, value);
        assertThat(CODEC.encode(decoded)).as("decoding then encoding gives the same bytes").isEqualTo(encoded);
    }

    @Property(tries = 300)
    void shouldRefuseEveryStrictPrefixOfAnEncoding(@ForAll("values") Object value,
            @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] encoded = CODEC.encode(value);
        byte[] prefix = Arrays.copyOf(encoded, cut % encoded.length);
        assertThatThrownBy(() -> CODEC.decode(prefix)).isInstanceOf(CodecException.class)
                .hasMessageContaining("byte ");
    }

    @Property(tries = 600)
    void shouldOnlyEverThrowCodecExceptionForChangedBytes(@ForAll("values") Object value,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 1, max = 255) Integer> xors) {
        byte[] bytes = CODEC.encode(value);
        for (int i = 0; i < positions.size(); i++) {
            bytes[positions.get(i) % bytes.length] ^= (byte) (int) xors.get(i);
        }
        decodeOrCodecException(bytes);
    }

    @Property(tries = 1000)
    void shouldOnlyEverThrowCodecExceptionForRandomBytes(@ForAll @Size(max = 64) byte[] random,
            @ForAll boolean withVersion) {
        byte[] bytes = random.clone();
        if (withVersion && bytes.length > 0) {
            bytes[0] = PlainDataCodec.VERSION; // get past the first check most of the time
        }
        decodeOrCodecException(bytes);
    }

    private static void decodeOrCodecException(byte[] bytes) {
        for (Codec<?> codec : List.of(CODEC, Codec.plainDataMap())) {
            try {
                Object decoded = codec.decode(bytes);
                assertSameData(CODEC.decode(CODEC.encode(decoded)), decoded);
            } catch (CodecException e) {
                assertThat(e.getMessage()).startsWith(codec + ": byte ");
            }
        }
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Object> values() {
        return value(3);
    }

    private static Arbitrary<Object> value(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(keys(), Arbitraries.of(true, false).map(b -> b),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> b),
                Arbitraries.floats().withSpecialValue(Float.NaN).withSpecialValue(-0.0f).map(f -> f))
                .injectNull(0.05);
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Object> nested = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<Object> list = nested.list().ofMaxSize(6).map(l -> l);
        Arbitrary<Object> map = Combinators.combine(keys(), nested)
                .as(AbstractMap.SimpleEntry<Object, Object>::new) // Map.entry refuses null values
                .list().ofMaxSize(6).map(PlainDataPropertyTest::toMap);
        return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(1, list),
                Tuple.of(1, map));
    }

    /** The scalar types allowed as map keys (everything but null and byte[]). */
    private static Arbitrary<Object> keys() {
        return Arbitraries.oneOf(strings(), strings(), Arbitraries.integers().map(i -> i),
                Arbitraries.longs().map(l -> l), Arbitraries.shorts().map(s -> s), Arbitraries.bytes().map(b -> b),
                Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY)
                        .map(d -> d),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                        .map(b -> b),
                Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.valueOf(-1_000_000_000_000L),
                        BigInteger.valueOf(1_000_000_000_000L)), Arbitraries.integers().between(-20, 20))
                        .as(BigDecimal::new).map(b -> b),
                Arbitraries.of(true, false).map(b -> b));
    }

    /** ASCII (the fast path), and any code point except a surrogate (the strict path). */
    private static Arbitrary<Object> strings() {
        Arbitrary<String> anyCodePoint = Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)
                .map(c -> new String(Character.toChars(c))).list().ofMaxSize(12).map(parts -> String.join("", parts));
        return Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(200), anyCodePoint,
                Combinators.combine(Arbitraries.strings().ascii().ofMaxLength(150), anyCodePoint).as(String::concat))
                .map(s -> s);
    }

    private static Object toMap(List<? extends Map.Entry<Object, Object>> entries) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> entry : entries) {
            if (!map.containsKey(entry.getKey())) { // a generated duplicate key is dropped
                map.put(entry.getKey(), entry.getValue());
            }
        }
        return map;
    }
}
