package io.fastmmap.servlet.testkit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Does to its session what the query says ({@code op=incr|set|async|probe|unset|dump|id|invalidate|login|big|timeout});
 * {@code op=timeout} without {@code seconds} prints the session's timeout; {@code pause=key} holds the request, session loaded, until a test releases it.
 */
public class SessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, CountDownLatch[]> PAUSES = new ConcurrentHashMap<>();

    /** Makes the next request with {@code pause=key} wait; the returned latch opens when it arrives. */
    public static CountDownLatch arm(String key) {
        CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
        PAUSES.put(key, latches);
        return latches[0];
    }

    /** Lets the request waiting at {@code key} go on. */
    public static void release(String key) {
        PAUSES.get(key)[1].countDown();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = req.getParameter("op");
        String name = req.getParameter("name");
        resp.setContentType("text/plain");
        if ("id".equals(op)) {
            HttpSession existing = req.getSession(false);
            resp.getWriter().print(existing == null ? "none" : existing.getId());
            return;
        }
        HttpSession session = req.getSession(true);
        if ("async".equals(op)) {
            // The change is made on another thread after this dispatch returns, then the request completes.
            var async = req.startAsync();
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                    session.setAttribute(name, req.getParameter("value"));
                    async.getResponse().getWriter().print("ok");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            }, "async-op").start();
            return;
        }
        pause(req.getParameter("pause"));
        String out = "ok";
        switch (op) {
            case "incr" -> {
                Integer n = (Integer) session.getAttribute(name);
                int next = n == null ? 1 : n + 1;
                session.setAttribute(name, next);
                out = String.valueOf(next);
            }
            case "set" -> session.setAttribute(name, req.getParameter("value"));
            case "probe" -> session.setAttribute(name, new SessionEvents.Probe(name));
            case "unset" -> session.removeAttribute(name);
            case "big" -> session.setAttribute(name, "x".repeat(Integer.parseInt(req.getParameter("size"))));
            case "timeout" -> {
                String seconds = req.getParameter("seconds");
                if (seconds == null) {
                    out = String.valueOf(session.getMaxInactiveInterval());
                } else {
                    session.setMaxInactiveInterval(Integer.parseInt(seconds));
                }
            }
            case "dump" -> {
                TreeMap<String, Object> all = new TreeMap<>();
                for (String a : Collections.list(session.getAttributeNames())) {
                    Object v = session.getAttribute(a);
                    all.put(a, v instanceof String s && s.length() > 20 ? "<" + s.length() + " chars>"
                            : v instanceof SessionEvents.Probe p ? "probe" : v);
                }
                out = all.toString();
            }
            case "invalidate" -> {
                session.invalidate();
                out = "invalidated";
            }
            case "login" -> out = req.changeSessionId();
            default -> {
                resp.sendError(400, "unknown op " + op);
                return;
            }
        }
        resp.getWriter().print(out);
        String pauseAfterFlush = req.getParameter("pauseAfterFlush");
        if (pauseAfterFlush != null) {
            resp.flushBuffer(); // the browser has the answer while the request still runs, as Spring MVC's converters do
            pause(pauseAfterFlush);
        }
    }

    private static void pause(String key) {
        CountDownLatch[] latches = key == null ? null : PAUSES.get(key);
        if (latches == null) {
            return;
        }
        latches[0].countDown();
        try {
            if (!latches[1].await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pause " + key + " never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
