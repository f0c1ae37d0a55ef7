#!/usr/bin/perl
# The Perl side of fastmmap-perl's interop tests: real Cache::FastMmap 1.57 on the file Java uses.
#   perl cache.pl FILE NUM_PAGES PAGE_SIZE COMMAND ARGS...   (keys and values in hex; raw_values => 1)
# Environment: FASTMMAP_TEST_FILE=1 opens with test_file => 1 (Perl wipes every page that fails its full check).
use strict;
use warnings;
use Cache::FastMmap;
use IO::Handle;
STDOUT->autoflush(1);

my ($file, $pages, $page_size, $command, @args) = @ARGV;
my $h = sub { unpack('H*', $_[0]) };
my $b = sub { pack('H*', $_[0]) };
my %common = (share_file => $file, num_pages => $pages, page_size => $page_size, raw_values => 1,
              unlink_on_exit => 0, test_file => ($ENV{FASTMMAP_TEST_FILE} ? 1 : 0));

if ($command eq 'geometry') {
  # ARGS: cache_size num_pages page_size (0 = not given); prints "num_pages page_size"
  my %o = (share_file => $file, unlink_on_exit => 1);
  $o{cache_size} = $args[0] if $args[0];
  $o{num_pages} = $args[1] if $args[1];
  $o{page_size} = $args[2] if $args[2];
  my $c = Cache::FastMmap->new(%o);
  print "$c->{num_pages} $c->{page_size}\n";
  exit 0;
}

my $c = Cache::FastMmap->new(%common, ($command eq 'replace' ? (init_file => 1) : ()));

if ($command eq 'dump') {
  # every live entry: "keyhex valuehex expire_on flags", sorted
  my @lines;
  for my $e ($c->get_keys(2)) {
    my $v = $e->{value};
    push @lines, join(' ', $h->($e->{key}), defined $v ? $h->($v) : 'UNDEF', $e->{expire_on}, $e->{flags});
  }
  print "$_\n" for sort @lines;
  print "END\n";
} elsif ($command eq 'set') {
  # ARGS: keyhex valuehex [expire_time]
  my $ok = $c->set($b->($args[0]), $b->($args[1]), defined $args[2] ? $args[2] : ());
  print "SET $ok\n";
} elsif ($command eq 'setmany') {
  # ARGS: prefix count: keys prefix0..N-1, values "value-<i>" repeated to ~40 bytes
  for my $i (0 .. $args[1] - 1) {
    $c->set("$args[0]$i", "value-$i-" . ("x" x ($i % 40)));
  }
  print "SET $args[1]\n";
} elsif ($command eq 'setundef') {
  $c->set($b->($args[0]), undef);
  print "SET\n";
} elsif ($command eq 'get') {
  my $v = $c->get($b->($args[0]));
  print defined $v ? 'VALUE ' . $h->($v) . "\n" : "MISS\n";
} elsif ($command eq 'remove') {
  print 'REMOVED ', ($c->remove($b->($args[0])) ? 1 : 0), "\n";
} elsif ($command eq 'incr') {
  # ARGS: key-prefix key-count iterations [go-file]: get_and_set increments, keys round-robin, after go-file exists
  my ($prefix, $keys, $n, $go) = @args;
  print "READY\n";
  select(undef, undef, undef, 0.01) while defined $go && !-e $go;
  for my $i (0 .. $n - 1) {
    $c->get_and_set($prefix . ($i % $keys), sub { return ($_[1] || 0) + 1 });
  }
  print "DONE $n\n";
} elsif ($command eq 'stats') {
  # locks every page in turn: 1.57 croaks on any page whose header fails one of its five checks
  $c->get_statistics;
  my @keys = $c->get_keys(0);
  print 'PAGES OK ', scalar(@keys), " keys\n";
} elsif ($command eq 'hold') {
  # ARGS: key: takes the key's page lock in get_and_set and sleeps in the callback until killed
  $c->get_and_set($b->($args[0]), sub { print "HOLDING\n"; sleep 600; return $_[1] });
} elsif ($command eq 'replace') {
  # init_file => 1: Perl deletes the file and creates a new one (another inode)
  $c->set($b->($args[0]), $b->($args[1]));
  print "REPLACED\n";
} else {
  die "unknown command $command\n";
}
