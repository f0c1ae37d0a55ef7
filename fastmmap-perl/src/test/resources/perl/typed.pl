#!/usr/bin/perl
# The Perl side of PerlValuesInteropTest: Cache::FastMmap with a serializer and a compressor.
#   perl typed.pl FILE PAGES PAGE_SIZE SERIALIZER COMPRESSOR set KEY PERL_EXPR     stores eval(PERL_EXPR)
#   perl typed.pl FILE PAGES PAGE_SIZE SERIALIZER COMPRESSOR check KEY PERL_EXPR   prints "ok" when the stored
#                                                                                  value is_deeply eval(PERL_EXPR)
# SERIALIZER '' is raw; COMPRESSOR '' is none.
use strict;
use warnings;
use Cache::FastMmap;
use Encode qw(decode_utf8);
use Test::More ();
use Data::Dumper;
$Data::Dumper::Sortkeys = 1;
$Data::Dumper::Useqq = 1;

my ($file, $pages, $page_size, $serializer, $compressor, $command, $key, $expr) = @ARGV;
my $value = eval(decode_utf8($expr));
die "bad expression $expr: $@" if $@;
my $c = Cache::FastMmap->new(share_file => $file, num_pages => $pages, page_size => $page_size,
  unlink_on_exit => 0, serializer => $serializer, ($compressor ? (compressor => $compressor) : ()));
if ($command eq 'set') {
  print 'SET ', $c->set($key, $value), "\n";
} elsif ($command eq 'check') {
  my $got = $c->get($key);
  my $builder = Test::More->builder;
  $builder->no_ending(1);
  $builder->output(\my $ignored);
  $builder->failure_output(\my $ignored_too);
  my $same = Test::More::is_deeply($got, $value);
  print $same ? "ok\n" : 'not ok: got ' . Dumper($got) . ' expected ' . Dumper($value) . "\n";
} else {
  die "unknown command $command\n";
}
