/* datadir: where the program's data (the built-in course, themes) lives.
 *
 * An installed aiotutor looks beside itself (BINDIR/../share/aiotutor), so a
 * staged or moved install finds its own files; a binary run from the build
 * tree uses the source tree, so nothing needs installing to try it; the
 * configured install prefix is the last resort. */
#ifndef AIO_DATADIR_H
#define AIO_DATADIR_H

/* The directory holding data item `sub` ("lessons" or "themes"), or NULL when
 * none exists. The string is static: copy it before the next call. */
const char *datadir_find(const char *sub);

#endif
