package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheClosedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IoThreadTest {
    private final IoThread io = new IoThread(Path.of("io-thread-test.fmm"));

    @Test
    void anInterruptedCallerGetsItsAnswerAndKeepsItsInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThat(io.call(() -> Thread.currentThread().getName())).startsWith("fastmmap-locks ");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            io.stop();
        }
    }

    @Test
    void aCallAfterStopIsRefusedNamingTheFile() {
        io.stop();
        assertThatThrownBy(() -> io.call(() -> 1)).isInstanceOf(CacheClosedException.class)
                .hasMessageContaining("io-thread-test.fmm");
    }

    @Test
    void aFailureOfTheCallReachesTheCaller() {
        try {
            assertThatThrownBy(() -> io.call(() -> {
                throw new java.io.IOException("disk gone");
            })).hasMessageContaining("disk gone").hasMessageContaining("io-thread-test.fmm");
        } finally {
            io.stop();
        }
    }
}
