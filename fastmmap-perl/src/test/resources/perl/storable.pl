#!/usr/bin/perl
# The Perl side of StorableInteropTest.
#   perl storable.pl gen SEED COUNT          prints COUNT lines "freezehex nfreezehex" of generated values $v:
#                                            freeze(\$v) and nfreeze(\$v) (nested, Unicode, large integers, floats,
#                                            undef, empty containers, blessed, binary)
#   perl storable.pl compare SEED COUNT FILE FILE holds one line of hex per value (Java's freeze(thaw(...)));
#                                            prints TAP: is_deeply(${thaw($java)}, $v) and a check of every blessing
use strict;
use warnings;
use utf8;
use Storable qw(freeze nfreeze thaw);
use Scalar::Util qw(blessed reftype);
use Test::More;
binmode STDOUT, ':utf8';

my ($command, $seed, $count, $file) = @ARGV;
srand($seed);

my @words = ('a', 'n', '__created', 'møøse', 'ключ', '✓ done', "line\nbreak", 'café', '😀', '', '0', '-1');
sub pick { $_[int(rand(@_))] }

sub value {
  my ($depth) = @_;
  my $kind = int(rand($depth > 3 ? 9 : 15));
  return int(rand(256)) - 128 if $kind == 0;
  return (pick(1, -1) * (2**40 + int(rand(2**20)))) if $kind == 1;
  return pick(9223372036854775807, -9223372036854775807 - 1, 1700000000, 0) if $kind == 2;
  return rand(1000) - 500 if $kind == 3;
  return pick(@words) . int(rand(100)) if $kind == 4;
  return undef if $kind == 5;
  return "caf\xe9 latin-1" if $kind == 6;                   # a byte string (no UTF-8 flag) that is text
  return join('', map { chr(int(rand(256))) } 1 .. 1 + int(rand(20))) if $kind == 7;  # binary
  return 'x' x (256 + int(rand(300))) if $kind == 8;          # a long string
  return {} if $kind == 9;
  return [] if $kind == 10;
  if ($kind == 11) {
    my %h = map { (pick(@words) . $_ => value($depth + 1)) } 1 .. 1 + int(rand(5));
    return \%h;
  }
  if ($kind == 12) {
    return [map { value($depth + 1) } 1 .. 1 + int(rand(5))];
  }
  if ($kind == 13) {
    return bless { id => int(rand(1000)), name => pick(@words), roles => [map { value($depth + 1) } 1 .. 2] },
      pick('MyApp::User', 'Catalyst::Authentication::User::Hash');
  }
  return bless [value($depth + 1), value($depth + 1)], 'MyApp::Pair';
}

sub same_blessing {
  my ($got, $want, $where) = @_;
  return "$where: blessed " . (blessed($got) // 'not') . ' instead of ' . (blessed($want) // 'not')
    if (blessed($got) // '') ne (blessed($want) // '');
  return "$where: " . (reftype($got) // 'scalar') . ' instead of ' . (reftype($want) // 'scalar')
    if (reftype($got) // '') ne (reftype($want) // '');
  if ((reftype($want) // '') eq 'HASH') {
    for (keys %$want) { my $e = same_blessing($got->{$_}, $want->{$_}, "$where\->{$_}"); return $e if $e }
  } elsif ((reftype($want) // '') eq 'ARRAY') {
    for (0 .. $#$want) { my $e = same_blessing($got->[$_], $want->[$_], "$where\->[$_]"); return $e if $e }
  }
  return '';
}

my @values = map { value(0) } 1 .. $count;

if ($command eq 'gen') {
  print unpack('H*', freeze(\$_)), ' ', unpack('H*', nfreeze(\$_)), "\n" for @values;
} elsif ($command eq 'compare') {
  open my $in, '<', $file or die "$file: $!";
  my @lines = <$in>;
  chomp @lines;
  is(scalar(@lines), 2 * $count, 'one line per value and form');
  for my $i (0 .. $count - 1) {
    for my $form (0, 1) {
      my $got = ${ thaw(pack('H*', $lines[2 * $i + $form])) };
      is_deeply($got, $values[$i], "value $i from " . ($form ? 'nfreeze' : 'freeze'));
      is(same_blessing($got, $values[$i], '$value'), '', "value $i blessings");
    }
  }
  done_testing();
} elsif ($command eq 'thaw') {
  # FILE holds one hex line: prints Data::Dumper of ${thaw(...)} (for error messages)
  open my $in, '<', $file or die "$file: $!";
  my $line = <$in>;
  chomp $line;
  require Data::Dumper;
  no warnings 'once';
  local $Data::Dumper::Sortkeys = 1;
  print Data::Dumper::Dumper(${ thaw(pack('H*', $line)) });
} else {
  die "unknown command $command\n";
}
