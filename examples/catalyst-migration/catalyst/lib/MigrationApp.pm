package MigrationApp;
# The Catalyst half of the migration demo: Catalyst's own session stack on a Cache::FastMmap file
# (Session::Store::FastMmap, Session::State::Cookie), exactly as an existing Catalyst app has it. The Spring demo
# (profile "catalyst") shares this file and this cookie. The file comes from $ENV{SESSION_FILE}.
use strict;
use warnings;
use Catalyst qw(Session Session::Store::FastMmap Session::State::Cookie);
our $VERSION = '1';
__PACKAGE__->config(
  name => 'MigrationApp',
  # Catalyst's defaults otherwise: cookie migrationapp_session, expires 7200 s, 89 pages of 64 KiB.
  'Plugin::Session' => { storage => $ENV{SESSION_FILE} },
);
__PACKAGE__->setup;
1;
