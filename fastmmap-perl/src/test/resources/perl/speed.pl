#!/usr/bin/perl
# The Perl side of the Perl-format speed comparison (see SpeedDriver): perl speed.pl FILE SECONDS
# raw 1 KiB values, 1,000 keys, 90% get / 10% set on Cache::FastMmap 1.57 (89 x 64 KiB); prints "perl ops/s N" and the CPU time per op.
use strict;
use warnings;
use Cache::FastMmap;
use Time::HiRes qw(time);
my ($file, $seconds) = @ARGV;
my $c = Cache::FastMmap->new(share_file => $file, raw_values => 1, unlink_on_exit => 0);
my $value = 'x' x 1024;
my @keys = map { "speed-$_" } 0 .. 999;
srand(1);
my $warm = time + 2;
while (time < $warm) { my $k = $keys[rand @keys]; rand(10) < 1 ? $c->set($k, $value) : $c->get($k) }
my ($ops, $start, $cpu_start) = (0, time, cpu());
while (time < $start + $seconds) {
  for (1 .. 1000) { my $k = $keys[rand @keys]; rand(10) < 1 ? $c->set($k, $value) : $c->get($k) }
  $ops += 1000;
}
# CPU time per operation as well (user + system of this process): a loaded machine inflates wall time far more
printf "perl ops/s %.0f, CPU %.2f us per op\n", $ops / (time - $start), (cpu() - $cpu_start) * 1e6 / $ops;
sub cpu { my ($user, $system) = times; return $user + $system }
