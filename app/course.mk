# app/course.mk: lesson loading and validate.
