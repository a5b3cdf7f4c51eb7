# lessons/: the built-in course, installed under $(pkgdatadir)/lessons.
# The list is every file under lessons/ except this one; regenerate it with
#   (cd lessons && find . -type f ! -name lessons.mk | sort)
# after adding a file to a lesson (make distcheck fails if one is missing).
coursedir = $(pkgdatadir)
nobase_dist_course_DATA = \
	lessons/01-waiting/breakfast.md \
	lessons/01-waiting/breakfast.py \
	lessons/01-waiting/intro.md \
	lessons/01-waiting/lesson.json \
	lessons/01-waiting/quiz_time.py \
	lessons/01-waiting/sum.md
