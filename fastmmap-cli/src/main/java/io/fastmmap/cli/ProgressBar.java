package io.fastmmap.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** A bar on standard error, redrawn four times a second: time done, and the current ops/s. */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final Thread thread;

    private ProgressBar(Thread thread) {
        this.thread = thread;
    }

    static ProgressBar startIf(boolean show, LongAdder measured, Duration warmup, Duration duration) {
        if (!show) {
            return new ProgressBar(null);
        }
        long start = System.nanoTime();
        long total = warmup.toNanos() + duration.toNanos();
        Thread thread = new Thread(() -> {
            long lastCount = 0;
            long lastTime = start;
            try {
                while (true) {
                    Thread.sleep(250);
                    long now = System.nanoTime();
                    long count = measured.sum();
                    double rate = (count - lastCount) / ((now - lastTime) / 1e9);
                    lastCount = count;
                    lastTime = now;
                    double done = Math.min(1.0, (now - start) / (double) total);
                    int filled = (int) (done * WIDTH);
                    boolean warming = now - start < warmup.toNanos();
                    System.err.print(String.format(Locale.ROOT, "\r[%s%s] %3.0f%%  %s", "#".repeat(filled),
                            "-".repeat(WIDTH - filled), done * 100,
                            warming ? "warming up          " : Units.rate(rate) + " ops/s     "));
                    System.err.flush();
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }, "progress-bar");
        thread.setDaemon(true);
        thread.start();
        return new ProgressBar(thread);
    }

    @Override
    public void close() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join();
            System.err.println();
        }
    }
}
