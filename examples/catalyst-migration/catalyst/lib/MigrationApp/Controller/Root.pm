package MigrationApp::Controller::Root;
# The same JSON API as the Spring demo's DemoController (/api/visits, /api/cart, /api/name), on the same session
# keys: visits (a number), cart (a list of strings), name (a text string).
use strict;
use warnings;
use base 'Catalyst::Controller';
use JSON::PP ();
__PACKAGE__->config(namespace => '');

my $JSON = JSON::PP->new->canonical->utf8;

sub reply {
  my ($c, $data) = @_;
  $c->res->content_type('application/json');
  $c->res->header('X-Demo-Instance' => 'catalyst');
  $c->res->body($JSON->encode({ %$data, instance => 'catalyst' }));
}

sub visits : Path('/api/visits') {
  my ($self, $c) = @_;
  $c->session->{visits} = ($c->session->{visits} || 0) + 1;
  reply($c, { visits => $c->session->{visits} + 0 });
}

sub cart : Path('/api/cart') {
  my ($self, $c) = @_;
  if ($c->req->method eq 'POST') {
    # Set again, as the Spring side does: a new list, so the change is saved.
    $c->session->{cart} = [ @{ $c->session->{cart} || [] }, $c->req->param('item') ];
  }
  reply($c, { items => $c->session->{cart} || [] });
}

sub name : Path('/api/name') {
  my ($self, $c) = @_;
  $c->session->{name} = $c->req->param('name') if $c->req->method eq 'POST';
  reply($c, { name => $c->session->{name} });
}

sub index : Path('/') : Args(0) {
  my ($self, $c) = @_;
  $c->res->content_type('text/plain; charset=utf-8');
  $c->res->body("MigrationApp (Catalyst): GET /api/visits, GET|POST /api/cart?item=, GET|POST /api/name?name=\n");
}
1;
