package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Uses a cache opened on a damaged copy of a known file and checks the promises damage must not break: a value
 * served is always the key's own (the template's, or what this check wrote), the only exceptions are
 * {@link FastMmapException}s, and after {@link FastMmap#repair()} every page and the spare table verify clean
 * (damage to the header is documented as needing recreate(true), so it may remain). Shared by BitFlipTest (core)
 * and the Jazzer fuzz test (fastmmap-torture).
 */
public final class DamagedCacheCheck {
    private final Map<String, byte[]> template;
    private final int keyCount;

    /**
     * @param template every key of the undamaged file ({@code k0} ... {@code k<keyCount-1>}) that has a value, with
     *     that value
     * @param keyCount the key names used are {@code k0} to {@code k<keyCount+7>}
     */
    public DamagedCacheCheck(Map<String, byte[]> template, int keyCount) {
        this.template = Map.copyOf(template);
        this.keyCount = keyCount;
    }

    /**
     * Runs {@code operations} random operations against a model, then repairs and verifies.
     *
     * @param what names the damage in failure messages
     * @return how many operations were refused with a FastMmapException
     * @throws AssertionError when a promise is broken
     */
    public int exercise(FastMmap cache, long seed, int operations, String what) {
        Random random = new Random(seed);
        Map<String, byte[]> written = new HashMap<>(); // keys this round wrote: exact; others: template or null
        Map<String, Long> evictionsAtWrite = new HashMap<>(); // a written key may read absent once evictions grew
        List<String> removed = new ArrayList<>();
        int refused = 0;
        for (int op = 0; op < operations; op++) {
            String name = "k" + random.nextInt(keyCount + 8);
            byte[] key = Bytes.utf8(name);
            try {
                switch (random.nextInt(5)) {
                    case 0, 1 -> {
                        boolean evicted = evictedSince(cache, evictionsAtWrite.get(name));
                        checkRead(name, cache.get(key), evicted, written, removed, what);
                    }
                    case 2 -> {
                        byte[] value = Bytes.filled(random.nextInt(200), op);
                        cache.set(key, value);
                        written.put(name, value);
                        evictionsAtWrite.put(name, cache.stats().evictionCount());
                        removed.remove(name);
                    }
                    case 3 -> {
                        cache.remove(key);
                        written.remove(name);
                        removed.add(name);
                    }
                    default -> {
                        byte[] value = Bytes.filled(random.nextInt(100), op + 1000);
                        boolean evicted = evictedSince(cache, evictionsAtWrite.get(name));
                        int[] runs = {0};
                        cache.getAndSet(key, old -> {
                            runs[0]++;
                            checkRead(name, old, evicted, written, removed, what);
                            return value;
                        });
                        assertThat(runs[0]).as("%s: getAndSet of %s ran its update", what, name).isEqualTo(1);
                        written.put(name, value);
                        evictionsAtWrite.put(name, cache.stats().evictionCount());
                        removed.remove(name);
                    }
                }
            } catch (FastMmapException refusedOperation) {
                refused++;
                written.remove(name); // its state is unknown now: judge it like a template key
                removed.remove(name);
            }
        }
        refused += computeOnce(cache, new Random(~seed), written, evictionsAtWrite, removed, what);
        // Damage to the header is for recreate(true), as documented; every page and the spare table are repaired.
        VerifyReport repaired = cache.repair();
        assertThat(repaired.unrepaired()).as("%s: %s", what, repaired).allSatisfy(DamagedCacheCheck::isHeaderDamage);
        VerifyReport after = cache.verify();
        assertThat(after.findings()).as("%s: after repair: %s", what, after)
                .allSatisfy(DamagedCacheCheck::isHeaderDamage);
        return refused;
    }

    /**
     * A few TypedCache.compute calls after the random operations (after, so that the committed fuzzing inputs replay
     * the same operations as before): the function runs exactly once per call, whatever damage the store meets after
     * it, and is given the key's own value (issue 19, item 3: a retry after a repair ran it again).
     */
    private int computeOnce(FastMmap cache, Random random, Map<String, byte[]> written,
            Map<String, Long> evictionsAtWrite, List<String> removed, String what) {
        TypedCache<byte[], byte[]> typed = TypedCache.builder(cache, Codec.bytes(), Codec.bytes()).build();
        int refused = 0;
        for (int call = 0; call < 4; call++) {
            String name = "k" + random.nextInt(keyCount + 8);
            byte[] value = Bytes.filled(random.nextInt(300), call + 2000);
            boolean evicted = evictedSince(cache, evictionsAtWrite.get(name));
            int[] runs = {0};
            try {
                typed.compute(Bytes.utf8(name), (key, old) -> {
                    runs[0]++;
                    checkRead(name, old, evicted, written, removed, what);
                    return value;
                });
                assertThat(runs[0]).as("%s: compute of %s ran its function", what, name).isEqualTo(1);
                written.put(name, value);
                evictionsAtWrite.put(name, cache.stats().evictionCount());
                removed.remove(name);
            } catch (FastMmapException refusedOperation) {
                assertThat(runs[0]).as("%s: compute of %s ran its function", what, name).isLessThanOrEqualTo(1);
                refused++;
                written.remove(name);
                removed.remove(name);
            }
        }
        return refused;
    }

    private static void isHeaderDamage(VerifyReport.Finding finding) {
        assertThat(finding.pageIndex()).isEqualTo(VerifyReport.FILE_LEVEL);
        assertThat(finding.description()).doesNotStartWith("spare table");
    }

    /** The pages are small, so writes can evict: a key written this round may then be absent, never wrong. */
    private static boolean evictedSince(FastMmap cache, Long evictionsAtWrite) {
        return evictionsAtWrite != null && cache.stats().evictionCount() > evictionsAtWrite;
    }

    private void checkRead(String name, byte[] value, boolean evictedSinceWritten, Map<String, byte[]> written,
            List<String> removed, String what) {
        if (written.containsKey(name) && value == null && evictedSinceWritten) {
            written.remove(name);
            removed.add(name);
        } else if (written.containsKey(name)) {
            assertThat(value).as("%s: key %s after this round wrote it", what, name).isEqualTo(written.get(name));
        } else if (removed.contains(name)) {
            assertThat(value).as("%s: key %s after this round removed it", what, name).isNull();
        } else if (value != null) {
            // Not Arrays.equals(value, null): Jazzer's hook for it crashes the fuzzing JVM on a null array.
            assertThat(template.containsKey(name) && Arrays.equals(value, template.get(name)))
                    .as("%s: key %s served a value that is not its own", what, name).isTrue();
        }
    }
}
