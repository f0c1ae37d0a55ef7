package io.fastmmap.tomcat;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Installed by {@link FastMmapSessionManager} in its host's pipeline, around everything its context does with a
 * request (authenticators included): at the end of each request of that context it saves what the request changed
 * in the sessions it used and lets go of them, so the next request re-reads the file; a response committed before
 * that (flushed, redirected, its buffer full) has the changes made so far saved first. An asynchronous request is
 * saved when it completes. Requests of other contexts pass through.
 */
public final class FastMmapSessionValve extends ValveBase {
    private final FastMmapSessionManager manager;

    FastMmapSessionValve(FastMmapSessionManager manager) {
        super(true);
        this.manager = manager;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        Context context = manager.getContext();
        if (request.getContext() != context) {
            getNext().invoke(request, response);
            return;
        }
        // The application may flush its response (Spring MVC's converters do) before it returns here: its session
        // changes are saved before the response leaves, or the browser's next request could reach another process
        // first and find the session without them.
        response.setResponse(new SaveOnCommitResponse(response.getResponse(), response, manager::saveBeforeCommit));
        try {
            getNext().invoke(request, response);
        } finally {
            // The application's class loader, as inside the context: saving reads Java-serialized values back.
            ClassLoader previous = context.bind(false, null);
            try {
                if (request.isAsyncStarted()) {
                    manager.endRequestWhenComplete(request.getAsyncContext());
                } else {
                    manager.endRequest();
                }
            } finally {
                context.unbind(false, previous);
            }
        }
    }
}
