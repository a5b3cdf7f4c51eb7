/* opcodes: the instruction set of the lesson-language VM, in one X-macro list.
 *
 * An instruction is one 32-bit word: the opcode in the low 8 bits, its
 * argument in the high 24 bits (OP_ARG). The list below is the single source
 * of the enum (OP_x), the names the disassembler prints and the stack effect
 * the compiler uses to size each frame's value stack.
 *
 * X(name, stack effect, argument kind) where the effect is the net change of
 * the stack depth (for variable effects the compiler computes it itself and
 * the table says 0), and the argument kind tells the disassembler how to show
 * the argument: N none, I integer, K constant index, S name index, J jump
 * target (absolute instruction index), L local slot, C cell slot.
 *
 * Exceptions use a table of ranges (code.h) rather than a block stack: an
 * exception at pc in [start, end) cuts the stack to the range's depth, pushes
 * the exception and jumps to the handler. `finally` bodies are copied by the
 * compiler onto every normal exit path (fall-through, return, break,
 * continue), so no opcode needs to know why a block is being left.
 */
#ifndef AIO_LANG_OPCODES_H
#define AIO_LANG_OPCODES_H

#include <stdint.h>

#define OPCODES(X)                                                                 \
    X(NOP, 0, N)                                                                   \
    X(POP_TOP, -1, N)                                                              \
    X(DUP_TOP, 1, N)                                                               \
    X(DUP_TOP_TWO, 2, N)                                                           \
    X(ROT_TWO, 0, N)                                                               \
    X(ROT_THREE, 0, N)                                                             \
    X(LOAD_CONST, 1, K)                                                            \
    X(LOAD_NONE, 1, N)                                                             \
    X(LOAD_FAST, 1, L)      /* local slot; UnboundLocalError when empty */        \
    X(STORE_FAST, -1, L)                                                           \
    X(DELETE_FAST, 0, L)                                                           \
    X(LOAD_DEREF, 1, C)     /* cell slot (own cells, then free variables) */       \
    X(STORE_DEREF, -1, C)                                                          \
    X(DELETE_DEREF, 0, C)                                                          \
    X(LOAD_CLOSURE, 1, C)   /* push the cell object itself (for MAKE_FUNCTION) */  \
    X(LOAD_GLOBAL, 1, S)    /* module globals, then builtins; NameError */         \
    X(STORE_GLOBAL, -1, S)                                                         \
    X(DELETE_GLOBAL, 0, S)                                                         \
    X(LOAD_ATTR, 0, S)                                                             \
    X(STORE_ATTR, -2, S)    /* TOS1.name = TOS... stack: value obj */             \
    X(BINARY_SUBSCR, -1, N)                                                        \
    X(STORE_SUBSCR, -3, N)  /* stack: value container key */                      \
    X(DELETE_SUBSCR, -2, N)                                                        \
    X(BUILD_SLICE, -2, N)   /* start stop step -> slice */                        \
    X(BINARY_OP, -1, I)     /* argument: a BinOp (obj.h) | BINOP_INPLACE */       \
    X(UNARY_NEG, 0, N)                                                             \
    X(UNARY_POS, 0, N)                                                             \
    X(UNARY_NOT, 0, N)                                                             \
    X(COMPARE_OP, -1, I)    /* argument: a CompareArg (below) */                      \
    X(JUMP, 0, J)                                                                  \
    X(POP_JUMP_IF_FALSE, -1, J)                                                    \
    X(POP_JUMP_IF_TRUE, -1, J)                                                     \
    X(JUMP_IF_FALSE_OR_POP, -1, J) /* keeps TOS when jumping */                   \
    X(JUMP_IF_TRUE_OR_POP, -1, J)                                                  \
    X(GET_ITER, 0, N)                                                              \
    X(FOR_ITER, 1, J)       /* push next item, or pop the iterator and jump */    \
    X(BUILD_LIST, 0, I)                                                            \
    X(BUILD_TUPLE, 0, I)                                                           \
    X(BUILD_DICT, 0, I)     /* argument: number of key/value pairs */             \
    X(LIST_APPEND, -1, I)   /* append TOS to the list ARG below it */             \
    X(DICT_SET, -2, I)      /* dict at ARG-1 below TOS after popping key value */ \
    X(LIST_EXTEND, -1, I)   /* extend the list ARG below TOS with iterable TOS */  \
    X(LIST_TO_TUPLE, 0, N)                                                         \
    X(UNPACK_SEQUENCE, 0, I)                                                       \
    X(FORMAT_VALUE, 0, I)   /* argument: FMT_* flags; spec on stack if FMT_SPEC */ \
    X(BUILD_STRING, 0, I)   /* concatenate ARG strings */                         \
    X(CALL, 0, I)           /* callable arg1..argN */                             \
    X(CALL_KW, 0, I)        /* callable args... kwnames(tuple) */                 \
    X(CALL_METHOD, 0, I)    /* obj args...: ARG = name index << 8 | argc */       \
    X(CALL_METHOD_KW, 0, I) /* obj args... kwnames (argc counts keywords too) */  \
    X(CALL_EX, 0, I)        /* callable arglist [kwdict if ARG&1] */              \
    X(MAKE_FUNCTION, 0, I)  /* [defaults] [kwdefaults] [closure] code */          \
    X(RETURN_VALUE, -1, N)                                                         \
    X(GET_AWAITABLE, 0, N)  /* check TOS can be awaited (TypeError otherwise) */  \
    X(AWAIT, 0, N)          /* await TOS; replaced by its result */               \
    X(RAISE, 0, I)          /* 0: bare raise; 1: raise TOS; 2: raise TOS1 from TOS */ \
    X(RERAISE, -1, N)       /* re-raise TOS, keeping its traceback */             \
    X(PUSH_EXC_INFO, 1, N)  /* exc -> prev_exc exc; the handled exception := exc */ \
    X(POP_EXCEPT, -1, N)    /* pop prev_exc, restore it as the handled exception */ \
    X(POP_EXCEPT_RERAISE, -2, N) /* prev_exc exc -> restore prev, re-raise exc */ \
    X(CHECK_EXC_MATCH, 0, N) /* exc type -> exc bool */                           \
    X(ASSERT_FAIL, 0, I)    /* raise AssertionError (with message if ARG) */      \
    X(IMPORT_NAME, 1, S)                                                           \
    X(IMPORT_FROM, 1, S)    /* module -> module attr */                           \
    X(BEFORE_ASYNC_WITH, 1, N) /* mgr -> bound __aexit__, awaitable __aenter__() */ \
    X(ASYNC_WITH_EXIT, 1, I) /* 0: exit -> exit aw; 1: exit prev exc -> ... aw */ \
    X(CHECK_METHOD, 0, S)   /* obj: AttributeError unless CALL_METHOD finds it */

typedef enum {
#define OPCODE_ENUM(name, effect, kind) OP_##name,
    OPCODES(OPCODE_ENUM)
#undef OPCODE_ENUM
    OP__COUNT
} Opcode;

typedef uint32_t Instr;

#define OP_CODE(i) ((Opcode)((i)&0xffu))
#define OP_ARG(i) ((uint32_t)(i) >> 8)
#define OP_MAKE(op, arg) ((Instr)(op) | ((Instr)(arg) << 8))
#define OP_ARG_MAX 0xffffffu

/* COMPARE_OP arguments: the first six in the order of obj.h's CmpOp. */
typedef enum {
    COMPARE_LT, COMPARE_LE, COMPARE_EQ, COMPARE_NE, COMPARE_GT, COMPARE_GE,
    COMPARE_IN, COMPARE_NOT_IN, COMPARE_IS, COMPARE_IS_NOT
} CompareArg;

/* BINARY_OP: the BinOp of obj.h, plus this flag for augmented assignment. */
#define BINOP_INPLACE 0x100

/* FORMAT_VALUE flags. */
enum { FMT_NONE = 0, FMT_STR = 1, FMT_REPR = 2, FMT_CONV_MASK = 3, FMT_SPEC = 4 };

/* MAKE_FUNCTION flags. */
enum { MKFN_DEFAULTS = 1, MKFN_KWDEFAULTS = 2, MKFN_CLOSURE = 4 };

/* Name of an opcode ("LOAD_CONST"); "?" for an invalid one. */
const char *opcode_name(Opcode op);
/* Net stack effect from the table (0 for variable-effect opcodes). */
int opcode_effect(Opcode op);
/* Argument kind letter: 'N', 'I', 'K', 'S', 'J', 'L', 'C'. */
char opcode_arg_kind(Opcode op);

#endif
