package io.fastmmap.spring.session;

import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportAware;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.session.FlushMode;
import org.springframework.session.IndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * The configuration behind {@link EnableFastMmapHttpSession}: Spring Session's filter, the repository, and the
 * expired-session cleanup schedule.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling // the cleanup and the event relay are SchedulingConfigurers, as in Spring Session JDBC
public class FastMmapHttpSessionConfiguration extends SpringHttpSessionConfiguration
        implements ImportAware, EnvironmentAware, BeanClassLoaderAware {
    /** Every minute, at second 0, as Spring Session's JDBC and indexed Redis stores. */
    public static final String DEFAULT_CLEANUP_CRON = "0 * * * * *";

    /**
     * Java serialization allow-list for Spring Security's session attributes; allowed without any setting when
     * Spring Security is on the class path.
     *
     * @deprecated use {@link SpringSessionClasses#SPRING_SECURITY}
     */
    @Deprecated
    public static final String[] SPRING_SECURITY_CLASSES = SpringSessionClasses.SPRING_SECURITY.toArray(String[]::new);
    private static final System.Logger LOG = System.getLogger(FastMmapHttpSessionConfiguration.class.getName());

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
    private ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
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
     * @param serializerProvider the application's {@link AttributeSerializer}, if it defines one (for the store this
     *     configuration opens)
     * @param idGenerators the application's {@link SessionIdGenerator}, if it defines one
     * @param indexResolvers the application's {@code IndexResolver<Session>}, if it defines one
     * @param publisher receives session events
     * @param customizers applied in order
     * @return the repository
     */
    @Bean
    public FastMmapSessionRepository sessionRepository(ObjectProvider<SessionStore> storeProvider,
            ObjectProvider<AttributeSerializer> serializerProvider, ObjectProvider<SessionIdGenerator> idGenerators,
            ObjectProvider<IndexResolver<Session>> indexResolvers, ApplicationEventPublisher publisher,
            ObjectProvider<SessionRepositoryCustomizer<FastMmapSessionRepository>> customizers) {
        SessionStore own = storeProvider.getIfAvailable();
        FastMmapSessionRepository repository = own != null ? new FastMmapSessionRepository(own)
                : FastMmapSessionRepository.owning(openStore(serializerProvider.getIfAvailable()));
        repository.setDefaultMaxInactiveInterval(maxInactiveInterval);
        repository.setFlushMode(flushMode);
        repository.setSaveMode(saveMode);
        repository.setApplicationEventPublisher(publisher);
        idGenerators.ifAvailable(repository::setSessionIdGenerator);
        indexResolvers.ifAvailable(repository::setIndexResolver);
        customizers.orderedStream().forEach(c -> c.customize(repository));
        return repository;
    }

    /**
     * @param repository the repository to clean
     * @return the cleanup, scheduled by Spring's scheduling with the annotation's {@code cleanupCron}
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

    private SessionStore openStore(AttributeSerializer serializer) {
        long cacheSizeBytes = cacheSize;
        int pageSizeBytes = pageSize;
        SessionStoreConfig.Builder b = SessionStoreConfig.builder(appName)
                .cache(file -> file.cacheSize(cacheSizeBytes).pageSize(pageSizeBytes));
        b.defaultMaxInactiveInterval(maxInactiveInterval.isNegative()
                ? neverExpiring(maxInactiveInterval, Duration.ofHours(24)) : maxInactiveInterval);
        if (maxInactiveInterval.compareTo(Duration.ofHours(24)) > 0) {
            b.maxInactiveIntervalLimit(maxInactiveInterval);
        }
        if (!file.isEmpty()) {
            b.file(Path.of(environment == null ? file : environment.resolveRequiredPlaceholders(file)));
        }
        b.serializer(serializer != null ? serializer
                : SpringSessionClasses.serializer(classLoader, null, Arrays.asList(javaAllowedClasses)));
        return SessionStore.open(b.build());
    }

    /**
     * Spring's "never expires" (a negative interval): the session file is a bounded cache whose entries live at most
     * the store's limit, so such sessions get the limit, and the log says so once at start-up.
     *
     * @param requested the negative interval asked for
     * @param limit the store's max inactive interval limit
     * @return the interval new sessions are stored with
     */
    public static Duration neverExpiring(Duration requested, Duration limit) {
        LOG.log(System.Logger.Level.WARNING, "a session timeout of " + requested + " asks for sessions that never"
                + " expire; sessions in a fastmmap file live until " + limit + " without a request (the max"
                + " inactive interval limit). Raise fastmmap.session.max-inactive-interval-limit to keep idle"
                + " sessions longer.");
        return limit;
    }
}
