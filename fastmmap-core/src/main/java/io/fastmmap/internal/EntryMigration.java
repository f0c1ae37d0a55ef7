package io.fastmmap.internal;

import io.fastmmap.CacheCorruptedException;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.ValueTooLargeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Carries the live entries of a cache file of another geometry over to a new file of the configured one
 * ({@code FastMmap.Builder.migrateEntries}), for a restart with a new page size or count.
 *
 * <p>Atomic: the entries are copied into a new file under a temporary name, which is then renamed over the old
 * one, so a crash at any moment leaves the old file or the new one whole under the path. Only while no other
 * process has the file open: this process holds the old file's gate exclusively from before it checks that nobody
 * is attached until the rename, so nobody attaches meanwhile, and of two processes migrating at once the second
 * finds the first one's file under the path (see {@link ProcessSlots#enterGate}).
 *
 * <p>Entries keep their values, flags and expiry times; expired ones are dropped. A smaller file evicts as any
 * write does (least recently used first); an entry too large for the new page size cannot be carried over. Both
 * are reported, with the count of entries carried over, on the {@code io.fastmmap} logger.
 */
final class EntryMigration {
    private static final System.Logger LOG = System.getLogger("io.fastmmap");

    private EntryMigration() {
    }

    /** @param slots holds the old file's gate, shared; taken exclusively here and left so */
    static void run(CacheConfig config, Path file, Object fileKey, FileChannel channel, ProcessSlots slots,
            Geometry found) throws IOException {
        slots.leaveGate();
        slots.enterGate(false, config.lockTimeoutNanos());
        if (!CacheFile.namesFile(file, fileKey)) {
            return; // another process replaced it meanwhile
        }
        Geometry wanted = config.geometry();
        if (slots.othersAttached()) {
            throw new IncompatibleCacheFileException(file, "was created with pageSize=" + found.pageSizeBytes()
                    + ", pageCount=" + found.pageCount() + " and other processes have it open; this cache asks for "
                    + "pageSize=" + wanted.pageSizeBytes() + ", pageCount=" + wanted.pageCount() + " and can carry "
                    + "the entries over (migrateEntries) only while no other process has the file open: stop every "
                    + "process that uses the old geometry, then start this one again (or start it with the old "
                    + "geometry until then)");
        }
        FileLayout oldLayout = new FileLayout(found);
        long hashSeed = CacheFile.checkHeader(file, channel, oldLayout);
        Path temporary = CacheFile.temporaryName(file);
        boolean moved = false;
        try (ReadOnlyCache source = ReadOnlyCache.over(file, SharedMemory.mapReadOnly(channel, oldLayout.fileSize(),
                found.pageSizeBytes()), oldLayout, hashSeed, config.clock())) {
            Engine target = Engine.open(config.forMigrationTarget(temporary));
            try {
                Counts counts = copy(source, target);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved = true;
                LOG.log(counts.worthAWarning() ? System.Logger.Level.WARNING : System.Logger.Level.INFO, () -> file
                        + ": carried " + counts.copied + " live entries over from pageSize=" + found.pageSizeBytes()
                        + ", pageCount=" + found.pageCount() + " to pageSize=" + wanted.pageSizeBytes()
                        + ", pageCount=" + wanted.pageCount() + counts.describeLost());
            } finally {
                target.close();
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static Counts copy(ReadOnlyCache source, Engine target) {
        Counts counts = new Counts();
        for (int page = 0; page < source.pageCount(); page++) {
            List<PageScan.Entry> entries = null;
            if (!source.leftByDeadProcess(page)) {
                try {
                    entries = source.scanPage(page, true);
                } catch (CacheCorruptedException damaged) {
                    // read below as repair would
                }
            }
            if (entries == null) {
                // Nobody else is attached (the gate is held exclusively): a lock or a change in progress is a dead
                // process's, and damage is damage; either way, what repair would keep is what carries over.
                entries = source.salvagePage(page);
                if (entries == null) {
                    counts.lostPages++;
                    continue;
                }
                counts.salvagedPages++;
            }
            for (PageScan.Entry entry : entries) {
                long ttlMillis = 0;
                if (entry.expireAtMillis() != 0) {
                    ttlMillis = entry.expireAtMillis() - target.nowMillis();
                    if (ttlMillis <= 0) {
                        continue;
                    }
                }
                try {
                    target.set(entry.key(), entry.value(), ttlMillis, entry.flags());
                    counts.copied++;
                } catch (ValueTooLargeException tooLarge) {
                    counts.tooLarge++;
                }
            }
        }
        return counts;
    }

    private static final class Counts {
        long copied;
        long tooLarge;
        long salvagedPages;
        long lostPages;

        boolean worthAWarning() {
            return tooLarge + salvagedPages + lostPages > 0;
        }

        String describeLost() {
            String salvaged = salvagedPages == 1 ? "1 page left locked or mid-update by a process that died, or "
                    + "damaged, was read as its repair would" : salvagedPages + " pages left locked or mid-update by "
                    + "a process that died, or damaged, were read as their repair would";
            return (tooLarge == 0 ? "" : "; " + tooLarge + " entries were too large for the new page size and are "
                    + "lost") + (salvagedPages == 0 ? "" : "; " + salvaged + " (entries that failed a check were "
                    + "dropped; a change in progress reads as before it)") + (lostPages == 0 ? "" : "; " + lostPages
                    + " pages had no readable image and their entries are lost");
        }
    }
}
