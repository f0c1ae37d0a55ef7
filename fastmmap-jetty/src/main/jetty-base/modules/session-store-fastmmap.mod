# fastmmap-jetty: see docs/jetty.md of fastmmap

[description]
Stores sessions in one fastmmap file that every Jetty process on this host can share
(io.fastmmap:fastmmap-jetty). Enable session-cache-null as well, so that every request
reads the file and each process sees the others' changes at once.

[tags]
session

[provides]
session-store

[depends]
sessions

[lib]
lib/fastmmap/*.jar

[xml]
etc/sessions/fastmmap/session-store.xml

[ini-template]
## The session file. Every Jetty process that shares sessions names the same file;
## keep it out of any directory the server serves or accepts uploads into.
jetty.session.fastmmap.file=${jetty.base}/sessions/fastmmap.sessions
## Total size of the file in bytes (how many sessions it holds) and the page size
## (the largest session). Every process sharing the file must use the same values.
#jetty.session.fastmmap.cacheSize=16777216
#jetty.session.fastmmap.pageSize=65536
## Attribute values other than plain JSON values (String, Boolean, Integer, Long, Double,
## and Lists and Maps of them) need Java serialization, switched on by listing the classes
## that may be read back, comma-separated ObjectInputFilter patterns: com.example.Cart,com.example.**
#jetty.session.fastmmap.javaAllowedClasses=
#jetty.session.gracePeriod.seconds=3600
#jetty.session.savePeriod.seconds=0
