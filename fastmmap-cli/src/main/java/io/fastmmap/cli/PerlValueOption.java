package io.fastmmap.cli;

import picocli.CommandLine.Option;

/** {@code --perl-serializer}: how a Cache::FastMmap file's values are shown and stored. */
final class PerlValueOption {
    /** Perl's {@code serializer} option values this command understands. */
    enum Serializer { raw, storable }

    @Option(names = "--perl-serializer", paramLabel = "SERIALIZER",
            description = "for a Cache::FastMmap file: raw (the default) is the stored bytes, as Perl's raw_values => 1 "
                    + "sees them; storable is Cache::FastMmap's default serializer: get shows the thawed value as one "
                    + "line of JSON, set stores VALUE as a Perl string")
    Serializer serializer;

    boolean isStorable() {
        return serializer == Serializer.storable;
    }

    /** Refuses the option on a fastmmap file, whose values are bytes with no Perl serializer. */
    void refuseFor(CacheFileOption cacheFile) {
        if (serializer != null) {
            throw new IllegalArgumentException("--perl-serializer is for Cache::FastMmap (Perl) files, and "
                    + cacheFile.file + " is a fastmmap file: leave the option out");
        }
    }
}
