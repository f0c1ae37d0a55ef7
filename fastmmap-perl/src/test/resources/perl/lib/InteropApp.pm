package InteropApp;
# A minimal Catalyst app with Catalyst's own session stack on Cache::FastMmap (Store::FastMmap 0.16,
# State::Cookie): the Perl side of CatalystSessionsTest. Its session file comes from $ENV{SESSION_FILE}.
use strict;
use warnings;
use Catalyst qw(Session Session::Store::FastMmap Session::State::Cookie);
our $VERSION = '1';
__PACKAGE__->config(
  name => 'InteropApp',
  'Plugin::Session' => { storage => $ENV{SESSION_FILE}, unlink_on_exit => 0 },
);
__PACKAGE__->setup;
1;
