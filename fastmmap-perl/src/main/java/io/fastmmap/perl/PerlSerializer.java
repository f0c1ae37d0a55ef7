package io.fastmmap.perl;

import io.fastmmap.CodecException;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Cache::FastMmap's {@code serializer} option: how a value becomes the bytes in the file ({@link PerlValues}).
 *
 * <table>
 *   <caption>Perl serializers</caption>
 *   <tr><th>Perl</th><th>Java</th><th>stored bytes</th></tr>
 *   <tr><td>{@code 'storable'} (the default; Catalyst's session store)</td><td>{@link #STORABLE}</td>
 *       <td>{@code freeze(\$value)}: {@link Storable#freeze}</td></tr>
 *   <tr><td>{@code 'json'}</td><td>{@link #JSON} (needs jackson-databind)</td>
 *       <td>{@code JSON->new->utf8->allow_nonref->encode($value)}</td></tr>
 *   <tr><td>{@code ''} or {@code raw_values => 1}</td><td>{@link #RAW}</td>
 *       <td>a {@code byte[]} as it is; a {@code String} as UTF-8, flagged so that Perl reads a character string</td></tr>
 *   <tr><td>{@code 'sereal'}</td><td>none: {@link #named} refuses it</td><td></td></tr>
 * </table>
 */
public enum PerlSerializer {
    /** Perl's {@code serializer => 'storable'}. */
    STORABLE {
        @Override
        byte[] encode(Object value) {
            return Storable.freeze(value);
        }

        @Override
        Object decode(byte[] bytes, long flags) {
            return Storable.thaw(bytes);
        }
    },
    /** Perl's {@code serializer => 'json'}; needs {@code com.fasterxml.jackson.core:jackson-databind}. */
    JSON {
        @Override
        byte[] encode(Object value) {
            return PerlJson.encode(value);
        }

        @Override
        Object decode(byte[] bytes, long flags) {
            return PerlJson.decode(bytes);
        }
    },
    /** Perl's {@code serializer => ''} (or {@code raw_values => 1}). */
    RAW {
        @Override
        byte[] encode(Object value) {
            if (value instanceof byte[] bytes) {
                return bytes;
            }
            if (value instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            throw new CodecException("serializer => '' (RAW) stores byte[] or String values, not "
                    + (value == null ? "null" : value.getClass().getName()) + "; use STORABLE or JSON for others");
        }

        @Override
        long flags(Object value) {
            return value instanceof String ? PerlPage.FC_UTF8VAL : 0;
        }

        @Override
        Object decode(byte[] bytes, long flags) {
            return (flags & PerlPage.FC_UTF8VAL) != 0 ? new String(bytes, StandardCharsets.UTF_8) : bytes;
        }
    };

    abstract byte[] encode(Object value);

    abstract Object decode(byte[] bytes, long flags);

    /** @return the record flags Perl's XS sets for this value (FC_UTF8VAL for a character string in raw mode) */
    long flags(Object value) {
        return 0;
    }

    /**
     * @param perlName the value of Perl's {@code serializer} option: "storable", "json" or "" (raw)
     * @return the serializer of that name
     * @throws IllegalArgumentException for "sereal" (not supported: Sereal has no Java library on Maven Central) and
     *     for names Cache::FastMmap does not know
     */
    public static PerlSerializer named(String perlName) {
        switch (perlName.toLowerCase(Locale.ROOT)) {
            case "storable":
                return STORABLE;
            case "json":
                return JSON;
            case "":
            case "raw":
                return RAW;
            case "sereal":
                throw new IllegalArgumentException("serializer => 'sereal' is not supported: there is no Sereal "
                        + "implementation for Java on Maven Central. Switch the Perl side to 'storable' (the default) "
                        + "or 'json' and use PerlSerializer.STORABLE or JSON.");
            default:
                throw new IllegalArgumentException("serializer '" + perlName + "' is not one of Cache::FastMmap's: "
                        + "storable, json, sereal or '' (raw)");
        }
    }
}
