package io.fastmmap.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Gives a new, still empty cache file a fixed hash seed and creation time, so that the same entries written into it
 * land on the same pages and slots in every run. The fuzz test needs this: an input names bytes to overwrite by their
 * offset, and a regression input only replays its finding if those offsets hold the same data every time.
 */
public final class FixedSeed {
    private FixedSeed() {
    }

    /** Rewrites the header of {@code file}, which no process may have open, and its checksum. */
    public static void apply(Path file, long hashSeed, long createdAtMillis) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(FileHeader.HEADER_USED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            header.putLong(FileHeader.HASH_SEED_OFFSET, hashSeed);
            header.putLong(FileHeader.CREATED_AT_OFFSET, createdAtMillis);
            byte[] checked = new byte[FileHeader.CHECKSUM_OFFSET - FileHeader.VERSION_OFFSET];
            header.get(FileHeader.VERSION_OFFSET, checked);
            header.putInt(FileHeader.CHECKSUM_OFFSET, FileHeader.checksum(checked));
            channel.write(header.clear(), 0);
        }
    }
}
