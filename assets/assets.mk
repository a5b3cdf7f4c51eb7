# assets/: themes, help text and the man page.
