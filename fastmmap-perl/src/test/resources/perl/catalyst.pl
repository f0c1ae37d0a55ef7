#!/usr/bin/perl
# Drives InteropApp in-process through Catalyst::Test:  perl catalyst.pl SESSION_FILE PATH [SESSION_ID]
# Prints "STATUS <code>", "COOKIE <session id or ->" and "BODY <body>".
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
BEGIN { $ENV{SESSION_FILE} = shift @ARGV; }
use Catalyst::Test 'InteropApp';
use HTTP::Request::Common qw(GET);

my ($path, $sid) = @ARGV;
my $res = request(GET $path, ($sid ? (Cookie => "interopapp_session=$sid") : ()));
my ($cookie) = ($res->header('Set-Cookie') // '') =~ /interopapp_session=([0-9a-f]+)/;
print 'STATUS ', $res->code, "\n";
print 'COOKIE ', ($cookie // '-'), "\n";
print 'BODY ', $res->content, "\n";
