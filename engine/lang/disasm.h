/* disasm: a readable listing of compiled code (`aiotutor run --disassemble`).
 * One line per instruction: offset, source line, opcode name, argument and
 * what the argument means (constant repr, name, jump target). Nested code
 * objects follow their parent. */
#ifndef AIO_LANG_DISASM_H
#define AIO_LANG_DISASM_H

#include "engine/lang/code.h"
#include "engine/lang/interp.h"

void disasm_code(const Code *code, InterpWriteFn out, void *host);

#endif
