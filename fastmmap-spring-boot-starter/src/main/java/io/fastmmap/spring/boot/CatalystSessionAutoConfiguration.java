package io.fastmmap.spring.boot;

import io.fastmmap.perl.PerlCache;
import io.fastmmap.spring.session.CatalystSessionRepository;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.util.unit.DataSize;

/**
 * {@code fastmmap.session.format=catalyst}: HTTP sessions in a Catalyst app's own session file, shared with that app
 * ({@link CatalystSessionRepository}). {@code fastmmap.session.file} is the app's {@code Plugin::Session}
 * {@code storage}; {@code server.servlet.session.cookie.name} its cookie name, whose value is the Catalyst session id
 * as it is (no Base64); {@code cache-size}/{@code page-size} are Cache::FastMmap's, used when the file is created
 * (default 89 pages of 64 KiB, Store::FastMmap's default); the session timeout is Catalyst's {@code expires}.
 */
// Before the Redis tier too, so that combining the two is refused rather than the format ignored.
@AutoConfiguration(before = {FastMmapSessionAutoConfiguration.class, FastMmapRedisTierAutoConfiguration.class},
    beforeName = {
    "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
    "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
    "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
    "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration"})
@ConditionalOnClass({Session.class, CatalystSessionRepository.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingBean(SessionRepository.class)
@ConditionalOnProperty(prefix = "fastmmap.session", name = "format", havingValue = "catalyst")
@EnableConfigurationProperties(FastMmapSessionProperties.class)
@Import(SpringHttpSessionConfiguration.class)
public class CatalystSessionAutoConfiguration {
    private static final System.Logger LOG = System.getLogger(CatalystSessionAutoConfiguration.class.getName());
    private static final String PREFIX = "fastmmap.session.";

    /**
     * @param properties {@code fastmmap.session.*}
     * @param environment the cookie name, sizes and Boot's session timeout
     * @return the repository Spring Session's filter uses; it closes the file with the context
     */
    @Bean
    public CatalystSessionRepository sessionRepository(FastMmapSessionProperties properties,
            Environment environment) {
        if (properties.getFile() == null) {
            throw new IllegalStateException("fastmmap.session.format=catalyst needs fastmmap.session.file: the "
                    + "Catalyst app's session file (its Plugin::Session 'storage'; Store::FastMmap's default is "
                    + "session_data in the app's temp directory, e.g. /tmp/myapp/session_data)");
        }
        if (properties.getTier() == FastMmapSessionProperties.Tier.REDIS) {
            throw new IllegalStateException("fastmmap.session.format=catalyst and fastmmap.session.tier=redis "
                    + "cannot be combined: Catalyst's sessions live in its own file; remove one of them");
        }
        if (environment.getProperty("server.servlet.session.cookie.name") == null) {
            throw new IllegalStateException("fastmmap.session.format=catalyst needs server.servlet.session.cookie"
                    + ".name = the Catalyst app's session cookie name (State::Cookie's default is <app>_session, "
                    + "e.g. myapp_session), or the two apps never see each other's sessions");
        }
        Duration expires = FastMmapSessionAutoConfiguration.sessionTimeout(environment);
        if (expires.isNegative() || expires.toSeconds() < 1) {
            throw new IllegalStateException("fastmmap.session.format=catalyst: the session timeout " + expires
                    + " must be at least one second (Catalyst's 'expires'; set server.servlet.session.timeout)");
        }
        PerlCache.Builder file = PerlCache.builder(properties.getFile());
        Binder binder = Binder.get(environment);
        binder.bind(PREFIX + "cache-size", DataSize.class).ifBound(size -> file.cacheSize(size.toBytes()));
        binder.bind(PREFIX + "page-size", DataSize.class)
                .ifBound(size -> file.pageSize(Math.toIntExact(size.toBytes())));
        PerlCache cache = file.build();
        LOG.log(System.Logger.Level.INFO, "HTTP sessions shared with a Catalyst app in " + properties.getFile()
                + " (cookie " + environment.getProperty("server.servlet.session.cookie.name") + ", expires "
                + expires + ")");
        return new CatalystSessionRepository(cache, expires, Clock.systemUTC());
    }

    /**
     * Catalyst's cookie holds the session id as it is; Spring Session's cookie serializer Base64-encodes it by
     * default. A post-processor, not a customizer bean, because Boot 3.5 and 4.x name the customizer type
     * differently.
     *
     * @return turns Base64 off on the cookie serializer Boot configures
     */
    @Bean
    @ConditionalOnMissingBean(name = "catalystCookieIds")
    static BeanPostProcessor catalystCookieIds() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof DefaultCookieSerializer serializer) {
                    serializer.setUseBase64Encoding(false);
                }
                return bean;
            }
        };
    }
}
