package io.fastmmap.session;

import io.fastmmap.FastMmapException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An application instance for {@link SessionResizeTest}: opens the session file with a cache size, then either logs
 * a user in ({@code login}: a session with a principal and an attribute) or reads that session ({@code read}),
 * prints what it did, and stays open until a line arrives on stdin. Prints {@code refused <message>} when the
 * store cannot be opened.
 *
 * <p>Arguments: {@code file cacheSizeBytes sessionId action}.
 */
public final class ResizeChild {
    private ResizeChild() {
    }

    public static void main(String[] args) throws Exception {
        SessionStore store;
        try {
            store = SessionStore.open(SessionResizeTest.config(Path.of(args[0]), Long.parseLong(args[1])));
        } catch (FastMmapException refused) {
            System.out.println("refused " + refused.getMessage().replace('\n', ' '));
            return;
        }
        try (store) {
            String id = args[2];
            if (args[3].equals("login")) {
                store.applyDelta(id, SessionDelta.builder().createdAt(Instant.now()).principalName("alice")
                        .setAttribute("cart", "3 books").build());
                System.out.println("logged-in");
            } else {
                SessionData data = store.getSessionData(id);
                System.out.println(data == null ? "absent" : "session " + data.principalName() + " "
                        + data.attribute("cart"));
            }
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
