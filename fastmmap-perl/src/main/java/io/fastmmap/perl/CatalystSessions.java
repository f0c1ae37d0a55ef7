package io.fastmmap.perl;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Catalyst sessions in a Cache::FastMmap file, laid out as Catalyst::Plugin::Session with
 * Session::Store::FastMmap 0.16 keeps them, so a Java app and a Catalyst app share a visitor's session:
 * <ul>
 *   <li>{@code session:<sid>}: the session hash, Storable-frozen, with Catalyst's {@code __created} and
 *       {@code __updated} (unix seconds) beside the application's keys;</li>
 *   <li>{@code expires:<sid>}: the session's expiry in unix seconds, extended on use as Catalyst extends it
 *       ({@code max(now + expires, stored)}); a session without it, or past it, is expired;</li>
 *   <li>{@code flash:<sid>}: legacy, only ever deleted.</li>
 * </ul>
 * Session ids are Catalyst's: hex, as its {@code validate_session_id} accepts; new ones are 40 lowercase hex
 * characters from a {@link SecureRandom}, as Catalyst::Plugin::Session 0.44 makes them. Entries are written without
 * a file-level expiry ({@code ExpireOn = 0}), as Catalyst writes them: {@code expires:} does the expiring.
 */
public final class CatalystSessions {

    /** Catalyst::Plugin::Session's default {@code expires}: two hours. */
    public static final Duration DEFAULT_EXPIRES = Duration.ofSeconds(7200);

    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-fA-F]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PerlValues values;
    private final long expiresSeconds;
    private final Clock clock;

    /**
     * @param cache the Catalyst app's session file (its {@code Plugin::Session} {@code storage}), opened with the
     *     store's geometry (Cache::FastMmap's defaults unless its config sets {@code cache_size}/{@code page_size})
     * @param expires Catalyst's {@code expires} ({@link #DEFAULT_EXPIRES})
     * @param clock the wall clock of {@code __created}, {@code __updated} and {@code expires:}
     */
    public CatalystSessions(PerlCache cache, Duration expires, Clock clock) {
        this.values = cache.values(PerlSerializer.STORABLE, PerlCompressor.NONE);
        this.expiresSeconds = Objects.requireNonNull(expires, "expires").getSeconds();
        this.clock = Objects.requireNonNull(clock, "clock");
        if (expiresSeconds <= 0) {
            throw new IllegalArgumentException("expires " + expires + " must be at least one second");
        }
    }

    /** @return sessions with Catalyst's default expiry and the system clock */
    public static CatalystSessions of(PerlCache cache) {
        return new CatalystSessions(cache, DEFAULT_EXPIRES, Clock.systemUTC());
    }

    /** @return a new session id: 40 lowercase hex characters (160 random bits) */
    public static String newSessionId() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** @return true when Catalyst accepts the id ({@code /^[a-f\d]+$/i}) */
    public static boolean isValidSessionId(String sessionId) {
        return sessionId != null && SESSION_ID.matcher(sessionId).matches();
    }

    /**
     * Loads a session as Catalyst does: an id whose {@code expires:} is missing or past is expired, and its three
     * keys are deleted.
     *
     * @return the session hash (Catalyst's {@code __created}/{@code __updated} included), or null when there is no
     *     live session of that id
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> load(String sessionId) {
        check(sessionId);
        Object expires = values.get("expires:" + sessionId);
        if (!(expires instanceof Number number) || number.longValue() < now()) {
            if (expires != null || values.get("session:" + sessionId) != null) {
                delete(sessionId);
            }
            return null;
        }
        Object data = values.get("session:" + sessionId);
        return data instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /**
     * Stores the session hash as Catalyst's {@code finalize_session} does ({@code __updated} set, {@code __created}
     * kept or set) and extends its expiry.
     *
     * @throws io.fastmmap.CodecException when a value has no Perl form, naming it
     */
    public void save(String sessionId, Map<String, Object> data) {
        check(sessionId);
        values.set("session:" + sessionId, stamped(data));
        extend(sessionId);
    }

    /**
     * Changes the session hash atomically against every other process (Perl's {@code get_and_set_session_data}),
     * then extends its expiry.
     *
     * @param update gets the current hash (an empty one for a new session) and returns the new one
     * @return the stored hash
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> update(String sessionId, UnaryOperator<Map<String, Object>> update) {
        check(sessionId);
        Object stored = values.getAndSet("session:" + sessionId, old -> stamped(update.apply(
                old instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map) : new LinkedHashMap<>())));
        extend(sessionId);
        return (Map<String, Object>) stored;
    }

    /** Extends {@code expires:<sid>} to {@code max(now + expires, stored)}, as Catalyst's finalize_headers does. */
    public void extend(String sessionId) {
        check(sessionId);
        long wanted = now() + expiresSeconds;
        values.getAndSet("expires:" + sessionId,
                old -> old instanceof Number number && number.longValue() >= wanted ? null : (Object) wanted);
    }

    /** Deletes the session's three keys, as Catalyst's {@code delete_session}. */
    public void delete(String sessionId) {
        check(sessionId);
        values.remove("session:" + sessionId);
        values.remove("expires:" + sessionId);
        values.remove("flash:" + sessionId);
    }

    private Map<String, Object> stamped(Map<String, Object> data) {
        Map<String, Object> copy = new LinkedHashMap<>(Objects.requireNonNull(data, "data"));
        long now = now();
        copy.putIfAbsent("__created", now);
        copy.put("__updated", now);
        return copy;
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    private static void check(String sessionId) {
        if (!isValidSessionId(sessionId)) {
            throw new IllegalArgumentException("session id '" + sessionId + "' is not a Catalyst session id (hex "
                    + "characters only)");
        }
    }
}
