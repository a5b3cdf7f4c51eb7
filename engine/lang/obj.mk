# engine/lang/obj.mk: values and objects of the lesson language (see lang.mk).
engine_lang_liblang_a_SOURCES += \
	engine/lang/value.h engine/lang/obj.h
