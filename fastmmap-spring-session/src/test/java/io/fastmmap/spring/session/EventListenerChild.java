package io.fastmmap.spring.session;

import java.io.IOException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * The other instance of SessionEventsTwoJvmTest: a Spring context on the file given as system property
 * {@code fastmmap.test.events.file}, with a listener that prints every deleted and expired event it hears as
 * "deleted|expired id principal". Prints "ready" once started; stops when its standard input closes.
 */
public final class EventListenerChild {
    private EventListenerChild() {
    }

    @Configuration
    @EnableFastMmapHttpSession(appName = "events", file = "${fastmmap.test.events.file}", cacheSize = 1 << 20,
            pageSize = 16 << 10, cleanupCron = "-")
    static class Instance {
        @Bean
        ApplicationListener<AbstractSessionEvent> printer() {
            return event -> {
                String kind = event instanceof SessionExpiredEvent ? "expired"
                        : event instanceof SessionDeletedEvent ? "deleted" : null;
                if (kind != null) {
                    Object principal = event.getSession()
                            .getAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME);
                    System.out.println(kind + " " + event.getSessionId() + " " + principal);
                }
            };
        }
    }

    public static void main(String[] args) throws IOException {
        try (var context = new AnnotationConfigApplicationContext(Instance.class)) {
            System.out.println("ready " + Runtime.version().feature());
            while (System.in.read() >= 0) {
                // runs until the parent closes our standard input
            }
        }
    }
}
