package io.fastmmap.servlet.testkit;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the application's session listeners saw, in order, across every Tomcat of this JVM. */
public final class SessionEvents implements HttpSessionListener, HttpSessionIdListener {
    /** Every event, in order. */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        SEEN.add("created " + se.getSession().getId());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        SEEN.add("destroyed " + se.getSession().getId());
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent se, String oldSessionId) {
        SEEN.add("id " + oldSessionId + " -> " + se.getSession().getId());
    }

    /** An attribute that reports being bound to and unbound from sessions. */
    public static final class Probe implements HttpSessionBindingListener, Serializable {
        private static final long serialVersionUID = 1L;
        final String name;

        public Probe(String name) {
            this.name = name;
        }

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            SEEN.add("bound " + name + " to " + event.getSession().getId());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            SEEN.add("unbound " + name + " from " + event.getSession().getId());
        }
    }
}
