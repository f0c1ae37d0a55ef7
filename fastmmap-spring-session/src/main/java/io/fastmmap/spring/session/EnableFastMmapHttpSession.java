package io.fastmmap.spring.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;

/**
 * Stores HTTP sessions in a fastmmap file shared by every instance of the application on this host: exposes a
 * {@link FastMmapSessionRepository} as the {@code sessionRepository} bean and Spring Session's
 * {@code springSessionRepositoryFilter}. Put it on a {@link Configuration} class:
 *
 * {@snippet :
 * @Configuration
 * @EnableFastMmapHttpSession(appName = "shop", maxInactiveIntervalInSeconds = 3600)
 * class SessionConfig {
 * }
 * }
 *
 * <p>A {@link io.fastmmap.session.SessionStore} bean, when the application defines one, is used instead of opening
 * a file from {@link #appName()} / {@link #file()}; an {@link io.fastmmap.session.AttributeSerializer} bean
 * serializes the attributes of the file it opens; {@code SessionIdGenerator} and {@code IndexResolver<Session>}
 * beans are the repository's. A negative {@link #maxInactiveIntervalInSeconds()} (never expires) keeps idle sessions
 * 24 hours in the file. Customize further with
 * {@code SessionRepositoryCustomizer<FastMmapSessionRepository>} beans. (Spring Boot applications use the starter's
 * auto-configuration and {@code fastmmap.session.*} properties instead.)
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@Import(FastMmapHttpSessionConfiguration.class)
public @interface EnableFastMmapHttpSession {
    /** @return names the default file {@code ~/.cache/fastmmap/<appName>.sessions}; default "application" */
    String appName() default "application";

    /** @return the session file, {@code ${...}} placeholders resolved from the environment; empty for the default */
    String file() default "";

    /** @return total file size in bytes; default 16 MiB */
    long cacheSize() default 16L << 20;

    /** @return page size in bytes (bounds one session); default 64 KiB */
    int pageSize() default 64 << 10;

    /** @return max inactive interval of new sessions, in seconds */
    int maxInactiveIntervalInSeconds() default MapSession.DEFAULT_MAX_INACTIVE_INTERVAL_SECONDS;

    /** @return when changes are written */
    FlushMode flushMode() default FlushMode.ON_SAVE;

    /** @return which attributes are written */
    SaveMode saveMode() default SaveMode.ON_SET_ATTRIBUTE;

    /**
     * @return cron expression of the expired-session cleanup (which fires {@code SessionExpiredEvent}s); "-" turns
     *     it off; default every minute
     */
    String cleanupCron() default FastMmapHttpSessionConfiguration.DEFAULT_CLEANUP_CRON;

    /**
     * @return the application's own classes that may be stored with Java serialization, as class patterns
     *     ({@code com.example.shop.**}); the JDK value types, and Spring Security's and Spring MVC's session classes
     *     when they are on the class path ({@link SpringSessionClasses}), are allowed without them
     */
    String[] javaAllowedClasses() default {};
}
