# assets/: themes, help text and the man page.
# The manual page aiotutor(1) (HARDEN): installed into $(man1dir) and shipped
# in the tarball; tests/install.sh checks it against every --help.
dist_man1_MANS = assets/aiotutor.1
