# plackup -I lib app.psgi  (SESSION_FILE=<the shared session file>)
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MigrationApp;
MigrationApp->apply_default_middlewares(MigrationApp->psgi_app);
