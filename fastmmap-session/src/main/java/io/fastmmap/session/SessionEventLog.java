package io.fastmmap.session;

import io.fastmmap.EvictionClass;
import io.fastmmap.FastMmap;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Deleted and expired sessions, told to every store on the file: a ring of {@link #RING_SIZE} entries in the
 * session file itself, numbered by a sequence counter kept in one more entry. All of them are stored protected
 * ({@link EvictionClass#PROTECTED}: a flood of anonymous sessions does not push them out) with a time to live of
 * {@link #EVENT_TTL}.
 *
 * <pre>
 *  key "e:head"        value: the last sequence number taken (u64, big-endian); absent before the first event
 *  key "e:" + (seq % RING_SIZE)
 *                      value: version (1) | seq (u64) | kind (1: 1 deleted, 2 expired) | origin (u64)
 *                             | id length (u16) | id (ASCII) | the session record as it was (rest)
 * </pre>
 *
 * <p><b>Writing</b> takes the next number with one {@code getAndSet} of the head (atomic across processes), then
 * writes that slot. <b>Reading</b> ({@link #poll}): each store keeps its own cursor in memory, starting at the head
 * when it opens (a store hears of what happens while it is open), reads the head, and reads slots from its cursor up
 * to it, in sequence order, skipping what its own store wrote. So every store sees every event of the others once
 * and in order, as far as the ring reaches:
 * <ul>
 *   <li>a slot that still holds an older number is a writer between its two steps: the cursor waits there, so
 *       order holds; if the slot stays unwritten for {@link #STALL_LIMIT} (the writer died between them, or the
 *       entry expired unread) it is skipped, with every other unwritten slot numbered before the stall began;</li>
 *   <li>a slot that holds a newer number was overwritten: more than {@link #RING_SIZE} events between two polls;
 *       the cursor jumps, with a WARN that names how many were missed;</li>
 *   <li>a head behind the cursor (the file was recreated, or the head entry lost) moves the cursor back to it.</li>
 * </ul>
 * A crash at any point leaves at most one unwritten slot (skipped after the stall limit) and never a torn one: each
 * entry is written whole or not at all.
 */
final class SessionEventLog {
    static final int RING_SIZE = 512;
    static final Duration EVENT_TTL = Duration.ofMinutes(5);
    static final Duration STALL_LIMIT = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());
    private static final byte[] HEAD_KEY = "e:head".getBytes(StandardCharsets.US_ASCII);
    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 1 + 8 + 1 + 8 + 2;

    /** An event as read from the ring: kind, session id, and the session record as it was. */
    record Entry(SessionStore.SessionEvent.Kind kind, String id, byte[] record) {
    }

    private final FastMmap cache;
    private final SessionStoreConfig config;
    private final long origin = new SecureRandom().nextLong();
    private long cursor;
    private long stalledSinceMillis = -1;
    private long stalledBelow;

    SessionEventLog(FastMmap cache, SessionStoreConfig config) {
        this.cache = cache;
        this.config = config;
        this.cursor = head();
    }

    /**
     * Appends an event. A record too large for one entry is logged without its attributes (the id, times and
     * principal stay).
     */
    void append(SessionStore.SessionEvent.Kind kind, String id, SessionRecord record) {
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        byte[][] next = new byte[1][];
        cache.getAndSet(HEAD_KEY, current -> {
            next[0] = encodeLong(current == null ? 0 : decodeLong(current) + 1);
            return next[0];
        }, head -> EvictionClass.PROTECTED);
        long seq = decodeLong(next[0]);
        byte[] key = slotKey(seq);
        byte[] recordBytes = record.bytes();
        if (FIXED_BYTES + idBytes.length + recordBytes.length > cache.maxValueByteCount(key.length)) {
            recordBytes = record.withoutAttributes().bytes();
        }
        ByteBuffer value = ByteBuffer.allocate(FIXED_BYTES + idBytes.length + recordBytes.length);
        value.put(VERSION).putLong(seq).put((byte) (kind.ordinal() + 1)).putLong(origin)
                .putShort((short) idBytes.length).put(idBytes).put(recordBytes);
        cache.set(key, value.array(), EVENT_TTL, EvictionClass.PROTECTED);
    }

    /** @return the events other stores appended since the last poll, in order; never blocks on a writer */
    synchronized List<Entry> poll() {
        long head = head();
        List<Entry> found = new ArrayList<>();
        long skipped = 0;
        if (head < cursor) {
            // The file was recreated, or the head expired after a day without events (its time to live is the
            // sessions'), or was lost: start again from where the writers are.
            LOG.log(Level.INFO, "the session event log of " + config.file() + " restarted at " + head + " (this"
                    + " process was at " + cursor + ")");
            cursor = head;
            return found;
        }
        while (cursor < head) {
            byte[] value = cache.get(slotKey(cursor));
            long seq = value == null || value.length < FIXED_BYTES || value[0] != VERSION ? -1
                    : ByteBuffer.wrap(value, 1, 8).getLong();
            if (seq > cursor) {
                long oldest = Math.max(cursor + 1, head - RING_SIZE);
                LOG.log(Level.WARNING, (oldest - cursor) + " session event(s) of " + config.file() + " were overwritten"
                        + " before this process read them (more than " + RING_SIZE + " deletions and expiries between"
                        + " two polls): their listeners here did not hear of them");
                cursor = oldest; // the oldest the ring can still hold
                continue;
            }
            if (seq < cursor) {
                if (!maySkip(head)) {
                    break; // its writer is between its two steps: wait, so that events stay in order
                }
                skipped++;
                cursor++;
                continue;
            }
            cursor++;
            Entry entry = decode(value);
            if (entry != null) {
                found.add(entry);
            }
        }
        if (skipped > 0) {
            long count = skipped;
            LOG.log(Level.WARNING, () -> count + " session event(s) of " + config.file() + " were skipped unread:"
                    + " never written (a process died while logging one) or expired (this process did not poll for "
                    + EVENT_TTL.toMinutes() + " minutes)");
        }
        return found;
    }

    /**
     * Whether the unwritten slot at the cursor may be skipped: only when its number was taken before a stall that
     * began {@link #STALL_LIMIT} ago, so its writer has had that long. Every unwritten slot below the head seen when
     * the stall began is skipped at once then (slots that expired unread come in runs); one above it starts a new
     * stall.
     */
    private boolean maySkip(long head) {
        long now = config.clock().millis();
        if (stalledSinceMillis >= 0 && cursor < stalledBelow) {
            return now - stalledSinceMillis >= STALL_LIMIT.toMillis();
        }
        stalledSinceMillis = now;
        stalledBelow = head;
        return false;
    }

    private Entry decode(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value, 9, value.length - 9);
        int kind = in.get();
        long writer = in.getLong();
        int idLength = Short.toUnsignedInt(in.getShort());
        if (writer == origin) {
            return null;
        }
        if (kind < 1 || kind > SessionStore.SessionEvent.Kind.values().length || idLength > in.remaining()) {
            LOG.log(Level.WARNING, "skipped a damaged session event in " + config.file());
            return null;
        }
        String id = new String(value, in.position(), idLength, StandardCharsets.US_ASCII);
        int recordAt = in.position() + idLength;
        byte[] record = java.util.Arrays.copyOfRange(value, recordAt, value.length);
        return new Entry(SessionStore.SessionEvent.Kind.values()[kind - 1], id, record);
    }

    private long head() {
        byte[] value = cache.get(HEAD_KEY);
        return value == null || value.length != 8 ? 0 : decodeLong(value) + 1;
    }

    private static byte[] slotKey(long seq) {
        return ("e:" + Math.floorMod(seq, RING_SIZE)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static long decodeLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }
}
