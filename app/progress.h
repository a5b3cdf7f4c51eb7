/* progress: where a student is and what they have done, kept between runs.
 *
 * The store is a small text file, "progress", in $XDG_STATE_HOME/aiotutor/
 * (default ~/.local/state/aiotutor/). It is written atomically: a temporary
 * file in the same directory, fsync, rename over the old one, fsync of the
 * directory, so a crash leaves either the old or the new file, never half
 * of one. A file that cannot be parsed is never dropped silently: it is
 * renamed to progress.corrupt-YYYYmmdd-HHMMSS and the caller gets a message
 * to show. Lesson ids are words without white space (as lesson.h makes
 * them); answers and exercise results are one line of text. */
#ifndef AIO_PROGRESS_H
#define AIO_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ProgressStatus {
    PROGRESS_NOT_STARTED = 0,
    PROGRESS_IN_PROGRESS,
    PROGRESS_DONE,
} ProgressStatus;

typedef enum ProgressResult {
    PROGRESS_OK = 0,   /* loaded or saved */
    PROGRESS_MISSING,  /* no file yet: a first run, not an error */
    PROGRESS_CORRUPT,  /* moved aside; msg says where */
    PROGRESS_IO_ERROR, /* could not read or write; msg says why */
} ProgressResult;

typedef struct Progress Progress;

Progress *progress_new(void); /* NULL when out of memory */
void progress_free(Progress *p);

/* The directory progress lives in: $XDG_STATE_HOME/aiotutor when that is
 * set and absolute, else $HOME/.local/state/aiotutor. False if neither
 * variable is usable. */
bool progress_default_dir(char *buf, size_t len);

/* Replaces *p's contents with the file in dir. On PROGRESS_CORRUPT the bad
 * file has been renamed aside and *p is empty; msg (always written, may be
 * empty) says what happened in a sentence for the student. On
 * PROGRESS_IO_ERROR (a file that exists but cannot be read, or one written
 * by a newer aiotutor) *p is empty and the file is left alone: every later
 * progress_save of *p refuses, so the student's real progress is never
 * replaced by this session's. */
ProgressResult progress_load(Progress *p, const char *dir, char *msg, size_t msglen);

/* Writes *p atomically into dir, creating dir (and its parents) if needed.
 * On PROGRESS_IO_ERROR msg names the path and the reason (a read-only
 * directory, a full disk, a file the last load could not read) and the old
 * file is untouched. */
ProgressResult progress_save(const Progress *p, const char *dir, char *msg, size_t msglen);

/* Where to resume: the lesson id (NULL if none recorded) and its page. */
const char *progress_current(const Progress *p, int *page);
void progress_set_current(Progress *p, const char *lesson_id, int page);

ProgressStatus progress_status(const Progress *p, const char *lesson_id);
/* The furthest page reached in a lesson (0 if never opened). */
int progress_page(const Progress *p, const char *lesson_id);
/* Records a visit: status only moves forward (done stays done). */
void progress_visit(Progress *p, const char *lesson_id, int page, ProgressStatus st);

/* The last answer given on a question page; NULL if unanswered. */
const char *progress_answer(const Progress *p, const char *lesson_id, int page, bool *correct);
void progress_set_answer(Progress *p, const char *lesson_id, int page, const char *answer,
                         bool correct);

/* The last result of checking an exercise page; NULL if never checked. */
const char *progress_exercise(const Progress *p, const char *lesson_id, int page);
void progress_set_exercise(Progress *p, const char *lesson_id, int page, const char *result);

#endif
