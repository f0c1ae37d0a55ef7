package io.fastmmap.spring.session;

import java.time.Duration;
import java.util.Objects;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;

/**
 * The settings Spring Session's configurers apply to every repository (timeout of new sessions, flush and save mode,
 * id generator), with Spring Session's defaults: one place for fastmmap's repositories, the local
 * {@link FastMmapSessionRepository} and the Redis tier's.
 */
public abstract class SessionRepositorySettings {
    private Duration defaultMaxInactiveInterval;
    private FlushMode flushMode = FlushMode.ON_SAVE;
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
    private SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

    /** @param defaultMaxInactiveInterval timeout of new sessions until {@link #setDefaultMaxInactiveInterval} */
    protected SessionRepositorySettings(Duration defaultMaxInactiveInterval) {
        this.defaultMaxInactiveInterval = Objects.requireNonNullElse(defaultMaxInactiveInterval,
                MapSession.DEFAULT_MAX_INACTIVE_INTERVAL);
    }

    /** @param interval timeout of new sessions; negative: never */
    public void setDefaultMaxInactiveInterval(Duration interval) {
        this.defaultMaxInactiveInterval = Objects.requireNonNull(interval, "interval");
    }

    /** @param flushMode when changes are written; default {@link FlushMode#ON_SAVE} */
    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = Objects.requireNonNull(flushMode, "flushMode");
    }

    /** @param saveMode which attributes are written; default {@link SaveMode#ON_SET_ATTRIBUTE} */
    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = Objects.requireNonNull(saveMode, "saveMode");
    }

    /** @param generator makes new session ids */
    public void setSessionIdGenerator(SessionIdGenerator generator) {
        this.sessionIdGenerator = Objects.requireNonNull(generator, "generator");
    }

    protected final Duration defaultMaxInactiveInterval() {
        return defaultMaxInactiveInterval;
    }

    protected final FlushMode flushMode() {
        return flushMode;
    }

    protected final SaveMode saveMode() {
        return saveMode;
    }

    protected final SessionIdGenerator sessionIdGenerator() {
        return sessionIdGenerator;
    }
}
