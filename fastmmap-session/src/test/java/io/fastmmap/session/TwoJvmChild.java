package io.fastmmap.session;

import java.nio.file.Path;

/**
 * A second process for {@link SessionStoreTwoJvmTest}: opens the same session file and merges {@code count} deltas
 * into one session, each setting its own attribute {@code prefix-i}, then prints "done".
 */
public final class TwoJvmChild {
    private TwoJvmChild() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String id = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        try (SessionStore store = SessionStore.open(SessionStoreTwoJvmTest.config(file))) {
            System.out.println("ready " + Runtime.version().feature());
            for (int i = 0; i < count; i++) {
                if (!store.applyDelta(id, SessionDelta.builder().setAttribute(prefix + "-" + i, i).build())) {
                    System.out.println("gone at " + i);
                    System.exit(3);
                }
            }
            System.out.println("done");
        }
    }
}
