package io.fastmmap.codecs;

import java.math.BigInteger;

/**
 * The double nearest to a decimal {@code significand * 10^exponent10} (ties to even), computed without a String
 * where that is provably the double {@code Double.parseDouble} makes of the decimal's text (which is the correctly
 * rounded one too): {@link JsonTreeReader}'s numbers with a point or an exponent. What this cannot decide for sure
 * (a product too close to a tie, a subnormal or infinite result, a zero with a huge exponent: 0.04 % of 2 million
 * random shortest texts of doubles) is answered with NaN, never a JSON number's value, and the caller parses the text.
 *
 * <p>Two exact methods: Clinger's fast path (significand and power of ten both exact doubles, so one correctly
 * rounded IEEE multiply or divide), then the Eisel-Lemire algorithm (D. Lemire, "Number Parsing at a Gigabyte per
 * Second", 2021; N. Tao's description of it, 2020) for significands of up to 18 digits, as Java's shortest texts of
 * doubles such as {@code 17.490000000000002} are: a 64 x 128-bit product with a truncated power of ten, and a
 * refusal wherever the truncation could change the rounding.
 */
final class JsonDecimals {
    /** 2^53: every integer up to it is an exact double. */
    private static final long MAX_EXACT_SIGNIFICAND = 1L << 53;
    /** 10^0 to 10^22, each an exact double (5^22 is below 2^53); the literals are exact. */
    private static final double[] EXACT_POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
        1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** 19 digits or fewer make 10^-342 the smallest power a normal double can need, 10^308 the largest. */
    private static final int MIN_EXPONENT = -342;
    private static final int MAX_EXPONENT = 308;
    /** Low 9 of the 64 bits above a 54-bit result: all ones or all zeros is where truncation can matter. */
    private static final long BELOW_RESULT = 0x1FF;
    private static final int EXPONENT_BIAS = 1023;
    private static final int MAX_BIASED_EXPONENT = 0x7FF;
    private static final long FRACTION_BITS = (1L << 52) - 1;

    private JsonDecimals() {
    }

    /**
     * @param significand the decimal's digits as an integer, not negative (the reader passes at most 18 digits)
     * @param exponent10 the power of ten it is multiplied by
     * @return the correctly rounded double of {@code significand * 10^exponent10}, or NaN where this cannot be sure
     */
    static double toDouble(long significand, long exponent10) {
        if (significand <= MAX_EXACT_SIGNIFICAND && Math.abs(exponent10) < EXACT_POWERS_OF_TEN.length) {
            return exponent10 < 0 ? significand / EXACT_POWERS_OF_TEN[(int) -exponent10]
                    : significand * EXACT_POWERS_OF_TEN[(int) exponent10];
        }
        if (significand == 0 || exponent10 < MIN_EXPONENT || exponent10 > MAX_EXPONENT) {
            return Double.NaN; // zeros are Clinger's unless the exponent is huge: rare enough for the slow path
        }
        return eiselLemire(significand, (int) exponent10);
    }

    private static double eiselLemire(long significand, int exponent10) {
        int leadingZeros = Long.numberOfLeadingZeros(significand);
        long normalized = significand << leadingZeros;
        // floor(exponent10 * log2(10)) by a fixed-point multiply, exact over the table's range.
        long exponent2 = (217706L * exponent10 >> 16) + Long.SIZE + EXPONENT_BIAS - leadingZeros;
        int row = 2 * (exponent10 - MIN_EXPONENT);
        long powerHigh = Powers.MANTISSAS[row];
        long high = unsignedMultiplyHigh(normalized, powerHigh);
        long low = normalized * powerHigh;
        if ((high & BELOW_RESULT) == BELOW_RESULT && Long.compareUnsigned(low + normalized, normalized) < 0) {
            // The truncated low half of the power could carry into the result: take it into the product.
            long powerLow = Powers.MANTISSAS[row + 1];
            long carryHigh = unsignedMultiplyHigh(normalized, powerLow);
            long carryLow = normalized * powerLow;
            long mergedLow = low + carryHigh;
            long mergedHigh = Long.compareUnsigned(mergedLow, low) < 0 ? high + 1 : high;
            if ((mergedHigh & BELOW_RESULT) == BELOW_RESULT && mergedLow == -1L
                    && Long.compareUnsigned(carryLow + normalized, normalized) < 0) {
                return Double.NaN; // still undecided with all 128 bits of the power
            }
            high = mergedHigh;
            low = mergedLow;
        }
        long topBit = high >>> 63;
        long mantissa = high >>> (topBit + 9); // 54 bits: the result and one rounding bit
        exponent2 -= 1 ^ topBit;
        if (low == 0 && (high & BELOW_RESULT) == 0 && (mantissa & 3) == 1) {
            return Double.NaN; // exactly between two doubles as far as the product can tell: a tie, or not quite
        }
        mantissa += mantissa & 1; // round half up on the 54th bit, the ties having been refused above
        mantissa >>>= 1;
        if (mantissa >>> 53 != 0) { // rounding carried into a 54th bit
            mantissa >>>= 1;
            exponent2++;
        }
        if (exponent2 <= 0 || exponent2 >= MAX_BIASED_EXPONENT) {
            return Double.NaN; // subnormal or infinite: Double.parseDouble's
        }
        return Double.longBitsToDouble(exponent2 << 52 | mantissa & FRACTION_BITS);
    }

    /** {@code Math.unsignedMultiplyHigh}, which came in Java 18. */
    private static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + (x >> 63 & y) + (y >> 63 & x);
    }

    /** Made on first use only: most documents have no number that gets this far. */
    private static final class Powers {
        /**
         * For each power of ten from {@link #MIN_EXPONENT} to {@link #MAX_EXPONENT}, its first 128 bits (high 64,
         * then low 64; the top bit set), truncated: {@code floor(10^e * 2^k)} for the k that gives 128 bits.
         */
        static final long[] MANTISSAS = new long[2 * (MAX_EXPONENT - MIN_EXPONENT + 1)];

        static {
            for (int exponent = MIN_EXPONENT; exponent <= MAX_EXPONENT; exponent++) {
                BigInteger bits;
                if (exponent >= 0) {
                    BigInteger power = BigInteger.TEN.pow(exponent);
                    int excess = power.bitLength() - 2 * Long.SIZE;
                    bits = excess > 0 ? power.shiftRight(excess) : power.shiftLeft(-excess);
                } else { // 2^k / 10^-e with k such that the quotient has 128 bits (10^-e is no power of two)
                    BigInteger power = BigInteger.TEN.pow(-exponent);
                    bits = BigInteger.ONE.shiftLeft(2 * Long.SIZE - 1 + power.bitLength()).divide(power);
                }
                int row = 2 * (exponent - MIN_EXPONENT);
                MANTISSAS[row] = bits.shiftRight(Long.SIZE).longValue();
                MANTISSAS[row + 1] = bits.longValue();
            }
        }
    }
}
