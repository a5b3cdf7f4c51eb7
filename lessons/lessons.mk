# lessons/: the built-in course, installed under $(pkgdatadir)/lessons.
