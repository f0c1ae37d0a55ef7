package io.fastmmap.spring.session;

import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportAware;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * The configuration behind {@link EnableFastMmapHttpSession}: Spring Session's filter, the repository, and the
 * expired-session cleanup schedule.
 */
@Configuration(proxyBeanMethods = false)
public class FastMmapHttpSessionConfiguration extends SpringHttpSessionConfiguration
        implements ImportAware, EnvironmentAware {
    /** Every minute, at second 0, as Spring Session's JDBC and indexed Redis stores. */
    public static final String DEFAULT_CLEANUP_CRON = "0 * * * * *";

    /**
     * Java serialization allow-list for Spring Security's session attributes (security context, authentication
     * tokens, user details, saved request, CSRF token) and the JDK collections they hold.
     */
    public static final String[] SPRING_SECURITY_CLASSES = {"org.springframework.security.**", "java.util.*",
        "java.lang.String$CaseInsensitiveComparator"};

    private String appName = "application";
    private String file = "";
    private long cacheSize = 16L << 20;
    private int pageSize = 64 << 10;
    private Duration maxInactiveInterval = Duration.ofMinutes(30);
    private FlushMode flushMode = FlushMode.ON_SAVE;
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
    private String cleanupCron = DEFAULT_CLEANUP_CRON;
    private String[] javaAllowedClasses = {};
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setImportMetadata(AnnotationMetadata metadata) {
        Map<String, Object> map = metadata.getAnnotationAttributes(EnableFastMmapHttpSession.class.getName());
        if (map == null) {
            return;
        }
        AnnotationAttributes attributes = AnnotationAttributes.fromMap(map);
        appName = attributes.getString("appName");
        file = attributes.getString("file");
        cacheSize = attributes.getNumber("cacheSize").longValue();
        pageSize = attributes.getNumber("pageSize").intValue();
        maxInactiveInterval = Duration.ofSeconds(attributes.getNumber("maxInactiveIntervalInSeconds").intValue());
        flushMode = attributes.getEnum("flushMode");
        saveMode = attributes.getEnum("saveMode");
        cleanupCron = attributes.getString("cleanupCron");
        javaAllowedClasses = attributes.getStringArray("javaAllowedClasses");
    }

    /**
     * @param storeProvider the application's own store, if it defines one
     * @param publisher receives session events
     * @param customizers applied in order
     * @return the repository
     */
    @Bean
    public FastMmapSessionRepository sessionRepository(ObjectProvider<SessionStore> storeProvider,
            ApplicationEventPublisher publisher,
            ObjectProvider<SessionRepositoryCustomizer<FastMmapSessionRepository>> customizers) {
        SessionStore own = storeProvider.getIfAvailable();
        FastMmapSessionRepository repository = own != null ? new FastMmapSessionRepository(own)
                : FastMmapSessionRepository.owning(openStore());
        repository.setDefaultMaxInactiveInterval(maxInactiveInterval);
        repository.setFlushMode(flushMode);
        repository.setSaveMode(saveMode);
        repository.setApplicationEventPublisher(publisher);
        customizers.orderedStream().forEach(c -> c.customize(repository));
        return repository;
    }

    /**
     * @param repository the repository to clean
     * @return the schedule, started and stopped with the context
     */
    @Bean
    public FastMmapSessionCleanup fastMmapSessionCleanup(FastMmapSessionRepository repository) {
        return new FastMmapSessionCleanup(repository, cleanupCron);
    }

    /**
     * @param repository publishes the other instances' deleted and expired events here
     * @return the relay, started and stopped with the context
     */
    @Bean
    public FastMmapSessionEventRelay fastMmapSessionEventRelay(FastMmapSessionRepository repository) {
        return new FastMmapSessionEventRelay(repository, FastMmapSessionEventRelay.DEFAULT_POLL_INTERVAL);
    }

    private SessionStore openStore() {
        SessionStoreConfig.Builder b = SessionStoreConfig.builder(appName).cacheSize(cacheSize).pageSize(pageSize)
                .defaultMaxInactiveInterval(maxInactiveInterval);
        if (maxInactiveInterval.compareTo(Duration.ofHours(24)) > 0) {
            b.maxInactiveIntervalLimit(maxInactiveInterval);
        }
        if (!file.isEmpty()) {
            b.file(Path.of(environment == null ? file : environment.resolveRequiredPlaceholders(file)));
        }
        if (javaAllowedClasses.length > 0) {
            b.serializer(DefaultAttributeSerializer.withJavaSerialization(javaAllowedClasses));
        }
        return SessionStore.open(b.build());
    }
}
