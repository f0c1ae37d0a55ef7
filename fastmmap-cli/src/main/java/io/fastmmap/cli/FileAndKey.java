package io.fastmmap.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** FILE, then KEY, with the options that say how to read the key (and a value, if the command takes one). */
final class FileAndKey {
    @Mixin
    CacheFileOption cacheFile;

    @Mixin
    KeyOptions encoding;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    byte[] keyBytes() {
        return encoding.bytes("KEY", key);
    }
}
