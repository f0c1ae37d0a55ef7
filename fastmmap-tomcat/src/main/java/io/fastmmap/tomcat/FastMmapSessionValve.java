package io.fastmmap.tomcat;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Installed by {@link FastMmapSessionManager} in its context's pipeline: at the end of each request it saves what
 * the request changed in the sessions it used and lets go of them, so the next request re-reads the file. An
 * asynchronous request is saved when it completes.
 */
public final class FastMmapSessionValve extends ValveBase {
    private final FastMmapSessionManager manager;

    FastMmapSessionValve(FastMmapSessionManager manager) {
        super(true);
        this.manager = manager;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        try {
            getNext().invoke(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                manager.endRequestWhenComplete(request.getAsyncContext());
            } else {
                manager.endRequest();
            }
        }
    }
}
