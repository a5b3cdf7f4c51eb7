# tests/corpus.mk: the differential corpus (owned by VM).
