#!/usr/bin/perl
# Reads files a Java process may have left at any instant of a write (real Cache::FastMmap 1.57, raw_values => 1):
#   perl crash-check.pl NUM_PAGES PAGE_SIZE FILE...
# For each file: "FILE n", get_statistics (locks every page: 1.57 croaks on a header failing its checks), every entry
# as "E keyhex valuehex", then the same with test_file => 1 (Perl wipes pages failing its full check) as "T ...".
use strict;
use warnings;
use Cache::FastMmap;
use IO::Handle;
STDOUT->autoflush(1);

my ($pages, $page_size, @files) = @ARGV;
my $h = sub { unpack('H*', $_[0]) };
for my $n (0 .. $#files) {
  print "FILE $n\n";
  for my $test_file (0, 1) {
    my $c = Cache::FastMmap->new(share_file => $files[$n], num_pages => $pages, page_size => $page_size,
                                 raw_values => 1, unlink_on_exit => 0, test_file => $test_file);
    $c->get_statistics;
    for my $e ($c->get_keys(2)) {
      print $test_file ? 'T ' : 'E ', $h->($e->{key}), ' ', (defined $e->{value} ? $h->($e->{value}) : 'UNDEF'), "\n";
    }
  }
}
print "END\n";
