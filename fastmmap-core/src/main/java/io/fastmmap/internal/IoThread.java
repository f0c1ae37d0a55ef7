package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that makes a file's channel calls (fcntl locks, its size), so that no caller's interrupt can close
 * the channel: an interrupted thread that touches a {@code FileChannel} closes it, and with it every lock this
 * process holds on the file.
 *
 * <p>Callers hand over calls without locks or untimed waits: on Java 17 a fault of compiled code on a truncated
 * mapping is thrown later, at whatever moment the faulting thread next enters the VM, which can be the middle of
 * {@code java.util.concurrent}'s queue or lock code; a wakeup lost there stranded a {@code ThreadPoolExecutor}'s
 * worker over a task and every later caller behind it (HostileFileTest). Here the queue is lock-free, and a caller
 * looks for its answer at least every {@link #WAKE_NANOS} whatever wakeup is lost.
 */
final class IoThread {
    /** The longest a caller sleeps before looking for its answer again. */
    private static final long WAKE_NANOS = 50_000_000L;

    private final Path file;
    private final ConcurrentLinkedQueue<Call<?>> calls = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopped;

    IoThread(Path file) {
        this.file = file;
        this.thread = new Thread(this::serve, "fastmmap-locks " + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** A channel call. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code io} on this thread and waits for it; an interrupt of the caller is kept for after the call.
     *
     * @throws CacheClosedException when this thread was stopped
     */
    <T> T call(IoCall<T> io) {
        if (stopped) {
            throw closed();
        }
        Call<T> call = new Call<>(io, Thread.currentThread());
        calls.add(call);
        LockSupport.unpark(thread);
        boolean interrupted = false;
        try {
            while (!call.done) {
                // Added after the thread's last look at the queue before it stopped: nobody else will answer.
                if (stopped && !thread.isAlive() && calls.remove(call)) {
                    throw closed();
                }
                LockSupport.parkNanos(this, WAKE_NANOS);
                interrupted |= Thread.interrupted(); // cleared, or parkNanos would return at once
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return call.result();
    }

    /** Stops the thread once the calls handed over are done (waiting up to 10 s); later calls are refused. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        while (true) {
            Call<?> call = calls.poll();
            if (call != null) {
                call.run();
            } else if (stopped) {
                // A caller that saw `stopped` unset may still add a call: refused, never left waiting.
                for (Call<?> late; (late = calls.poll()) != null; ) {
                    late.refuse(closed());
                }
                return;
            } else {
                // Untimed, so an idle file costs no wakeups: a wakeup lost on the way here only delays a call whose
                // caller has left with the fault, until the next caller's.
                LockSupport.park(this);
            }
        }
    }

    private CacheClosedException closed() {
        return new CacheClosedException(file + ": this cache was closed");
    }

    private final class Call<T> {
        private final IoCall<T> io;
        private final Thread caller;
        private T value;
        private Throwable failure;
        /** Written last by this thread: the caller reads value and failure after seeing it. */
        volatile boolean done;

        Call(IoCall<T> io, Thread caller) {
            this.io = io;
            this.caller = caller;
        }

        void run() {
            try {
                value = io.run();
            } catch (Throwable e) {
                failure = e;
            }
            answer();
        }

        void refuse(RuntimeException why) {
            failure = why;
            answer();
        }

        private void answer() {
            done = true;
            LockSupport.unpark(caller);
        }

        T result() {
            if (failure == null) {
                return value;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new CacheFileException(file, "file lock call failed: " + failure, failure);
        }
    }
}
