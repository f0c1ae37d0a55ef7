package io.fastmmap.internal.codec;

import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/** The compression the JDK ships: deflate with a length prefix, and gzip for Perl compatibility. */
public enum JdkCompression implements Compression {
    DEFLATE(1) {
        @Override
        public byte[] compress(byte[] raw) {
            Deflater deflater = new Deflater();
            try {
                deflater.setInput(raw);
                deflater.finish();
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
                out.writeBytes(ByteBuffer.allocate(4).putInt(raw.length).array());
                byte[] buffer = new byte[8192];
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer));
                }
                return out.toByteArray();
            } finally {
                deflater.end();
            }
        }

        @Override
        public byte[] decompress(byte[] compressed) {
            int length = Compression.lengthPrefix(compressed, toString());
            // The prefix is only a claim (a co-tenant with write access can store any bytes): one that deflate could
            // never reach from these bytes is refused, and the buffer grows with what really inflates, so 12 stored
            // bytes can no longer make this allocate the prefix's 1 GiB (issue 19).
            if (length > (compressed.length - 4L) * MAX_DEFLATE_RATIO + 64) {
                throw bad("a length prefix of " + length + " bytes, more than " + (compressed.length - 4)
                        + " deflated bytes can hold");
            }
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(compressed, 4, compressed.length - 4);
                byte[] raw = new byte[Math.min(length, Math.max(64, 4 * compressed.length))];
                int done = 0;
                while (done < length) {
                    if (done == raw.length) {
                        raw = java.util.Arrays.copyOf(raw, (int) Math.min(length, 2L * raw.length));
                    }
                    int n = inflater.inflate(raw, done, raw.length - done);
                    if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    done += n;
                }
                if (done != length || !inflater.finished() && inflater.inflate(new byte[1]) != 0) {
                    throw bad("a stream that does not inflate to its " + length + "-byte length prefix");
                }
                return raw;
            } catch (DataFormatException e) {
                throw bad("a damaged deflate stream (" + e.getMessage() + ")");
            } finally {
                inflater.end();
            }
        }
    },

    GZIP(2) {
        @Override
        public byte[] compress(byte[] raw) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 32);
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(raw);
            } catch (IOException e) {
                throw new IllegalStateException("gzip into memory failed", e); // no real I/O happens
            }
            return out.toByteArray();
        }

        @Override
        public byte[] decompress(byte[] compressed) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
                byte[] raw = in.readNBytes(MAX_DECOMPRESSED_BYTES);
                if (in.read() != -1) {
                    throw bad("a stream that inflates past " + MAX_DECOMPRESSED_BYTES + " bytes");
                }
                return raw;
            } catch (IOException e) {
                throw bad("a damaged gzip stream (" + e.getMessage() + ")");
            }
        }
    };

    /** Deflate's largest expansion: about 1032 output bytes per input byte (zlib's technical notes). */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private final int id;

    JdkCompression(int id) {
        this.id = id;
    }

    @Override
    public int id() {
        return id;
    }

    CodecException bad(String what) {
        return new CodecException("Compression." + name().toLowerCase(java.util.Locale.ROOT) + "(): the stored "
                + "value holds " + what + "; it was damaged or written by another algorithm: remove the key");
    }

    @Override
    public String toString() {
        return "Compression." + name().toLowerCase(java.util.Locale.ROOT) + "()";
    }
}
