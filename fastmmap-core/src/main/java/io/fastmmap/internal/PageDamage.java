package io.fastmmap.internal;

import io.fastmmap.CacheCorruptedException;

/**
 * Something read from a page failed its bounds or checksum check. Thrown while the page is locked; the engine
 * repairs the page and retries once, so it reaches the caller only when a page is still damaged after repair.
 */
final class PageDamage extends CacheCorruptedException {
    private static final long serialVersionUID = 1L;

    PageDamage(String message) {
        super(message);
    }
}
