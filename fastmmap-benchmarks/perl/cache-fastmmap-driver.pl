#!/usr/bin/perl
# The Perl side of the fastmmap vs Cache::FastMmap comparison: N processes on one Cache::FastMmap file, running
# the same keys, values and operation streams as MultiProcessDriver (files written by its `prepare`).
#
#   perl cache-fastmmap-driver.pl DIR PROCESSES raw|session WARMUP_SECONDS SECONDS OUT.jsonl
#
# raw: values are the bytes of value.bin (raw_values => 1, no serializer).
# session: the value is the ~1 KiB session map of session.json, stored with serializer => 'storable' (a get thaws
#   it into a hash, a set freezes it), as Catalyst::Plugin::Session::Store::FastMmap does.
# The cache has the same page size and page count as fastmmap's file for the workload (workload.properties). A get
# that misses stores the value (cache-aside). Each operation is timed with CLOCK_MONOTONIC (that call costs a few
# hundred ns in Perl and is inside every figure); p50/p99/p99.9 come from all the samples, sorted.
# One JSON line per run is appended to OUT.jsonl.
use strict;
use warnings;
use Cache::FastMmap;
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

die "usage: $0 DIR PROCESSES raw|session WARMUP_SECONDS SECONDS OUT.jsonl\n" unless @ARGV == 6;
my ($dir, $processes, $mode, $warmup, $seconds, $out) = @ARGV;
die "mode must be raw or session, not $mode\n" unless $mode eq 'raw' || $mode eq 'session';

sub slurp {
    my ($path) = @_;
    open my $in, '<:raw', $path or die "cannot read $path: $!; run MultiProcessDriver prepare $dir first\n";
    local $/;
    return scalar <$in>;
}

my %workload = map { /^([\w.]+)=(.*)$/ ? ($1, $2) : () } split /\n/, slurp("$dir/workload.properties");
my @keys = split /\n/, slurp("$dir/keys.txt");
die "keys.txt has " . scalar(@keys) . " keys, workload.properties says $workload{keyCount}\n"
    unless @keys == $workload{keyCount};
my $value = $mode eq 'raw' ? slurp("$dir/value.bin") : JSON::PP->new->decode(slurp("$dir/session.json"));
my $file = "$dir/cache-fastmmap-$mode.cache";

sub open_cache {
    my ($init) = @_;
    return Cache::FastMmap->new(
        share_file => $file,
        init_file => $init,
        page_size => $workload{"$mode.pageSize"},
        num_pages => $workload{"$mode.pageCount"},
        expire_time => 0,
        unlink_on_exit => 0,
        $mode eq 'raw' ? (raw_values => 1) : (serializer => 'storable'),
    );
}

my $parent_cache = open_cache(1);
$parent_cache->set($_, $value) for @keys;

my $start_at = clock_gettime(CLOCK_MONOTONIC) + 1.0;  # every worker starts at this instant
my @children;
for my $stream (0 .. $processes - 1) {
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        worker($stream);
        POSIX::_exit(0);
    }
    push @children, $pid;
}
for my $pid (@children) {
    waitpid($pid, 0);
    die "worker $pid failed with status $?\n" if $?;
}

my (@gets, @sets);
my ($operations, $measured_seconds) = (0, 0);
for my $stream (0 .. $processes - 1) {
    my ($count, $nanos, $get_bytes, $set_bytes) = split /\n/, slurp("$dir/perl-result-$stream.txt"), 4;
    $operations += $count;
    $measured_seconds = $nanos / 1e9 if $nanos / 1e9 > $measured_seconds;
    push @gets, unpack('Q<*', slurp("$dir/perl-gets-$stream.bin"));
    push @sets, unpack('Q<*', slurp("$dir/perl-sets-$stream.bin"));
    unlink "$dir/perl-result-$stream.txt", "$dir/perl-gets-$stream.bin", "$dir/perl-sets-$stream.bin";
}
undef $parent_cache;
unlink $file;

sub percentiles {
    my @sorted = sort { $a <=> $b } @_;
    return { count => 0, p50 => 0, p99 => 0, p999 => 0, max => 0 } unless @sorted;
    my $at = sub { $sorted[ POSIX::ceil($_[0] / 100 * @sorted) - 1 ] };
    return { count => scalar @sorted, p50 => $at->(50), p99 => $at->(99), p999 => $at->(99.9), max => $sorted[-1] };
}

my $label = "$workload{keyCount}keys-$workload{valueSize}B-$workload{mix}-$workload{keys}-$workload{sizing}";
my $line = JSON::PP->new->canonical->encode({
    impl => "Cache::FastMmap $Cache::FastMmap::VERSION",
    perl => sprintf('%vd', $^V),
    processes => $processes + 0,
    mode => $mode,
    workload => $label,
    valueBytes => $mode eq 'raw' ? length($value) : $workload{sessionBytes} + 0,
    operations => $operations,
    seconds => $measured_seconds,
    opsPerSec => $operations / $measured_seconds,
    get => percentiles(@gets),
    set => percentiles(@sets),
});
print "$line\n";
open my $append, '>>', $out or die "cannot append to $out: $!\n";
print $append "$line\n";
close $append;

sub worker {
    my ($stream) = @_;
    my $cache = open_cache(0);
    my @ops = unpack('V*', slurp("$dir/ops-$stream.bin"));
    my (@get_ns, @set_ns);
    1 while clock_gettime(CLOCK_MONOTONIC) < $start_at - 0.01 && select(undef, undef, undef, 0.005) >= 0;
    my $measure_from = $start_at + $warmup;
    my $end = $measure_from + $seconds;
    my ($next, $measured) = (0, 0);
    my $now = clock_gettime(CLOCK_MONOTONIC);
    while ($now < $end) {
        my $op = $ops[$next];
        $next = 0 if ++$next == @ops;
        my $key = $keys[$op & 0x7FFFFFFF];
        my $is_set = $op & 0x80000000;
        if ($is_set) {
            $cache->set($key, $value);
        } else {
            my $got = $cache->get($key);
            $cache->set($key, $value) unless defined $got;
        }
        my $after = clock_gettime(CLOCK_MONOTONIC);
        if ($now >= $measure_from) {
            push @{ $is_set ? \@set_ns : \@get_ns }, int(($after - $now) * 1e9);
            $measured++;
        }
        $now = $after;
    }
    open my $result, '>', "$dir/perl-result-$stream.txt" or die "cannot write results in $dir: $!\n";
    print $result "$measured\n", int($seconds * 1e9), "\n";
    close $result;
    for ([gets => \@get_ns], [sets => \@set_ns]) {
        open my $bin, '>:raw', "$dir/perl-$_->[0]-$stream.bin" or die "cannot write results in $dir: $!\n";
        print $bin pack('Q<*', @{ $_->[1] });
        close $bin;
    }
}
