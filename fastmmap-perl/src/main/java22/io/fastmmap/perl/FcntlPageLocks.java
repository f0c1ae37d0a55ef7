package io.fastmmap.perl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Page locks by calling {@code fcntl(fd, F_SETLK, &flock)} directly (JDK 22+, Linux on x86-64 or AArch64): one
 * system call per lock and per unlock, as Perl makes them, without {@link FileChannel}'s lock table and objects.
 *
 * <p>The descriptor is opened here with {@code open(2)}, and the channel that maps the file is opened through
 * {@code /proc/self/fd/<fd>}, so both name the same inode even if the path is replaced meanwhile. Each page has its
 * own {@code struct flock} and errno buffer, used only by the thread holding the page's lock in this JVM.
 *
 * <pre>
 * struct flock (Linux, 64-bit)     offset  size
 *   short l_type    F_WRLCK/F_UNLCK   0      2
 *   short l_whence  SEEK_SET          2      2
 *   off_t l_start   page * pageSize   8      8
 *   off_t l_len     pageSize         16      8
 *   pid_t l_pid     (F_GETLK only)   24      4   (+4 padding: 32 bytes)
 * </pre>
 */
final class FcntlPageLocks implements PageLockCalls {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_SETLK = 6;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EACCES = 13;
    private static final long FLOCK_BYTES = 32;

    /** Linux on x86-64 or AArch64 (the struct layout above), and this code may call native functions. */
    static final boolean AVAILABLE;
    private static final MethodHandle OPEN;
    private static final MethodHandle FCNTL;
    private static final MethodHandle CLOSE;
    private static final StructLayout CALL_STATE;
    private static final VarHandle ERRNO;

    static {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        boolean linux64 = os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
        MethodHandle open = null;
        MethodHandle fcntl = null;
        MethodHandle close = null;
        StructLayout state = null;
        VarHandle errno = null;
        if (linux64 && FcntlPageLocks.class.getModule().isNativeAccessEnabled()) {
            Linker.Option captureErrno = Linker.Option.captureCallState("errno");
            state = Linker.Option.captureStateLayout();
            errno = state.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
            open = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), captureErrno,
                    Linker.Option.firstVariadicArg(2));
            fcntl = downcall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), captureErrno,
                    Linker.Option.firstVariadicArg(2));
            close = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        }
        AVAILABLE = fcntl != null;
        OPEN = open;
        FCNTL = fcntl;
        CLOSE = close;
        CALL_STATE = state;
        ERRNO = errno;
    }

    /** Only called when native access is enabled (see the static initialiser), so the JVM prints no warning. */
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String function, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(function).orElseThrow(), descriptor, options);
    }

    private final Path path;
    private final int fd;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment[] flocks;
    private final MemorySegment[] callStates;

    private FcntlPageLocks(Path path, int fd, FileChannel channel, Arena arena, long pageSize, int pageCount) {
        this.path = path;
        this.fd = fd;
        this.channel = channel;
        this.arena = arena;
        this.flocks = new MemorySegment[pageCount];
        this.callStates = new MemorySegment[pageCount];
        for (int page = 0; page < pageCount; page++) {
            MemorySegment flock = arena.allocate(FLOCK_BYTES, 8);
            flock.set(JAVA_LONG, 8, page * pageSize);
            flock.set(JAVA_LONG, 16, pageSize);
            flocks[page] = flock;
            callStates[page] = arena.allocate(CALL_STATE);
        }
    }

    static FcntlPageLocks open(Path path, long pageSize, int pageCount) throws IOException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        try {
            MemorySegment state = arena.allocate(CALL_STATE);
            fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(path + ": open(2) failed: errno " + (int) ERRNO.get(state, 0L));
            }
            FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new FcntlPageLocks(path, fd, channel, arena, pageSize, pageCount);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(fd);
            arena.close();
            throw e;
        } catch (Throwable e) {
            closeQuietly(fd);
            arena.close();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public boolean tryLock(int pageIndex) throws IOException {
        return call(pageIndex, F_WRLCK);
    }

    @Override
    public void unlock(int pageIndex) throws IOException {
        if (!call(pageIndex, F_UNLCK)) {
            throw new IOException(path + ": fcntl(F_SETLK, F_UNLCK) on page " + pageIndex + " was refused");
        }
    }

    /** @return false when another process holds a conflicting lock */
    private boolean call(int pageIndex, short type) throws IOException {
        MemorySegment flock = flocks[pageIndex];
        MemorySegment state = callStates[pageIndex];
        flock.set(JAVA_SHORT, 0, type);
        while (true) {
            int result;
            try {
                result = (int) FCNTL.invokeExact(state, fd, F_SETLK, flock);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            if (result == 0) {
                return true;
            }
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == EAGAIN || errno == EACCES) {
                return false;
            }
            if (errno != EINTR) {
                throw new IOException(path + ": fcntl(F_SETLK) on page " + pageIndex + " failed: errno " + errno);
            }
        }
    }

    @Override
    public String mechanism() {
        return "fcntl (direct)";
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            closeQuietly(fd);
            arena.close();
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                // nothing left to release
            }
        }
    }
}
