package io.fastmmap.perl;

import io.fastmmap.CodecException;

/**
 * The Storable reader's fuzz target, run by Jazzer ({@link StorableFuzzCampaignTest}) and replayed by
 * {@link StorableFuzzCampaignTest#everyKeptInputIsRefusedOrRoundTrips}: any input either raises
 * {@link CodecException} or thaws into a value that freezes and thaws again to an equal value. Anything else (another
 * exception, an OutOfMemoryError, a stack overflow, a hang) is a finding.
 */
public final class StorableFuzzTarget {
    private StorableFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        Object value;
        try {
            value = Storable.thaw(input);
        } catch (CodecException refused) {
            return;
        }
        byte[] again = Storable.freeze(value);
        if (!java.util.Arrays.equals(again, Storable.freeze(Storable.thaw(again)))) {
            throw new IllegalStateException("freeze(thaw(freeze(v))) differs from freeze(v)");
        }
    }
}
