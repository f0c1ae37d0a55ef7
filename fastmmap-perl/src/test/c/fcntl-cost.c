/*
 * Not a test: what the kernel charges for one page lock + unlock, the two fcntl(F_SETLK) calls Cache::FastMmap and
 * PerlCache make per operation, without Java or Perl around them (the floor of a Perl-format operation). Compare
 * with LockCostDriver's "fcntl (direct)" column in the same minute:
 *   gcc -O2 -o /tmp/fcntl-cost fastmmap-perl/src/test/c/fcntl-cost.c && /tmp/fcntl-cost /tmp/fcntl-cost-file 5
 * Prints this thread's CPU ns per pair (89 pages of 64 KiB, random pages, uncontended) and, for scale, per pair of
 * the cheapest system call (getppid): the part of a call that is entering and leaving the kernel.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAGES 89
#define PAGE_BYTES 65536L
#define PAIRS 200000

static double cpu_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e9 + now.tv_nsec;
}

static void set_lock(int fd, short type, long page) {
    struct flock lock = {0};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = page * PAGE_BYTES;
    lock.l_len = PAGE_BYTES;
    if (fcntl(fd, F_SETLK, &lock) != 0) {
        perror("fcntl(F_SETLK)");
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE ROUNDS\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, PAGES * PAGE_BYTES) != 0) {
        perror(argv[1]);
        return 1;
    }
    unsigned seed = 1;
    for (int round = 1; round <= atoi(argv[2]); round++) {
        double start = cpu_nanos();
        for (int i = 0; i < PAIRS; i++) {
            long page = rand_r(&seed) % PAGES;
            set_lock(fd, F_WRLCK, page);
            set_lock(fd, F_UNLCK, page);
        }
        double locks = (cpu_nanos() - start) / PAIRS;
        start = cpu_nanos();
        for (int i = 0; i < PAIRS; i++) {
            if (getppid() < 0 || getppid() < 0) {
                return 1;
            }
        }
        printf("round %d: %.0f ns of CPU per fcntl lock+unlock pair, %.0f ns per pair of getppid calls\n", round,
               locks, (cpu_nanos() - start) / PAIRS);
    }
    unlink(argv[1]);
    return 0;
}
