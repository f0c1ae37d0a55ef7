package io.fastmmap;

/**
 * Counters summed over all pages of one cache file, as seen by every process that shares it. Point-in-time
 * values read without locking: each counter is exact, but they are not one snapshot.
 *
 * @param evictionCount live (unexpired) entries dropped to make room, least recently used first
 * @param expirationCount expired entries dropped
 * @param pageRepairCount pages rebuilt after a process died mid-update or damage was found
 * @param lockRecoveryCount page locks taken over from a process that died holding them
 */
public record CacheStats(long evictionCount, long expirationCount, long pageRepairCount, long lockRecoveryCount) {
}
