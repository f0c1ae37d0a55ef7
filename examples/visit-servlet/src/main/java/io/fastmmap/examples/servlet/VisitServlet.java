package io.fastmmap.examples.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The page of the Jetty and Tomcat demos, plain Servlet API: {@code /} counts the visitor's visits in their session
 * and shows them, {@code /visits} likewise as plain text (for curl), {@code /end} ends the session, {@code /health}
 * answers without touching any session.
 */
public final class VisitServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String who;

    /** @param who what the page calls this instance, e.g. "Jetty instance A" */
    public VisitServlet(String who) {
        this.who = who;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getPathInfo() == null ? "/" : request.getPathInfo()) {
            case "/health" -> text(response, "ok");
            case "/visits" -> text(response, String.valueOf(visit(request.getSession())));
            case "/end" -> {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
                html(response, "<p id=\"ended\">Your session has ended.</p><p><a href=\"/\">Start a new one</a></p>");
            }
            case "/" -> html(response, "<h1 id=\"who\">" + who + "</h1><p>Visits in your session: <b id=\"visits\">"
                    + visit(request.getSession()) + "</b></p><p>Open the other instance's port in this browser: the"
                    + " count goes on there.</p><p><a href=\"/end\">End the session</a></p>");
            default -> response.sendError(404);
        }
    }

    /** Integer attributes are stored as JSON by fastmmap: no Java serialization needed. */
    private static int visit(HttpSession session) {
        Integer visits = (Integer) session.getAttribute("visits");
        int next = visits == null ? 1 : visits + 1;
        session.setAttribute("visits", next);
        return next;
    }

    private static void text(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print(body);
    }

    private void html(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().print("<!doctype html><title>" + who + "</title>" + body);
    }
}
