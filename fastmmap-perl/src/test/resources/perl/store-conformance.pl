#!/usr/bin/perl
# Catalyst's own session-store conformance suite (Catalyst::Plugin::Session::Test::Store) with Store::FastMmap on
# the file given, while Java processes use it:  perl store-conformance.pl SESSION_FILE   (prints TAP)
use strict;
use warnings;
my $file;
BEGIN { $file = $ARGV[0] or die "usage: $0 SESSION_FILE\n" }
use Catalyst::Plugin::Session::Test::Store (
  backend => 'FastMmap',
  config  => { storage => $file, unlink_on_exit => 0 },
);
