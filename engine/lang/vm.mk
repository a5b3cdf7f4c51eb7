# engine/lang/vm.mk: the compiler, the VM, built-ins and the modules of the
# lesson language, and the embedding API (see lang.mk).
engine_lang_liblang_a_SOURCES += \
	engine/lang/opcodes.h engine/lang/code.h \
	engine/lang/compile.c engine/lang/compile.h \
	engine/lang/disasm.c engine/lang/disasm.h \
	engine/lang/vm.c engine/lang/vm.h \
	engine/lang/builtins.c \
	engine/lang/mod_time.c engine/lang/mod_asyncio.c engine/lang/mod_random.c \
	engine/lang/mod_aiosync.c \
	engine/lang/interp.c engine/lang/interp.h \
	engine/lang/dirs.c engine/lang/dirs.h engine/lang/dirs_table.h

# The compiler and VM through interp.h.
check_PROGRAMS += tests/unit/check_vm
tests_unit_check_vm_SOURCES = tests/unit/check_vm.c
tests_unit_check_vm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_vm_LDADD = engine/lang/liblang.a engine/libengine.a $(CHECK_LIBS) -lm
TESTS += tests/unit/check_vm

# asyncio part 2 (PART2): wait/as_completed/shield; the simulated network.
engine_lang_liblang_a_SOURCES += engine/lang/mod_asyncio_flow.c engine/lang/mod_net.c engine/lang/net.h \
	engine/lang/excgroup.c
EXTRA_DIST += engine/lang/gen_dirs.py
