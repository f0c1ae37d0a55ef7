package InteropApp::Controller::Root;
use strict;
use warnings;
use utf8;
use base 'Catalyst::Controller';
use JSON::PP ();
__PACKAGE__->config(namespace => '');

# Shows the session (count, list, name) as canonical JSON, then changes all three as a Perl app would.
sub visit : Local {
  my ($self, $c) = @_;
  my $s = $c->session;
  my $before = JSON::PP->new->canonical->utf8->encode(
    { count => $s->{count}, list => $s->{list}, name => $s->{name}, id => $c->sessionid });
  $s->{count} = ($s->{count} || 0) + 1;
  push @{ $s->{list} ||= [] }, "perl-$s->{count}";
  $s->{name} = 'møøse from Perl ✓';
  $c->res->content_type('application/json');
  $c->res->body($before);
}
1;
