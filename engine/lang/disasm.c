/* disasm: see disasm.h. */
#include "engine/lang/disasm.h"

#include <stdio.h>
#include <string.h>

static const char *const op_names[] = {
#define X(name, effect, kind) #name,
    OPCODES(X)
#undef X
};
static const int op_effects[] = {
#define X(name, effect, kind) effect,
    OPCODES(X)
#undef X
};
static const char op_kinds[] = {
#define X(name, effect, kind) #kind[0],
    OPCODES(X)
#undef X
};

const char *opcode_name(Opcode op)
{
    return (unsigned)op < OP__COUNT ? op_names[op] : "?";
}

int opcode_effect(Opcode op)
{
    return (unsigned)op < OP__COUNT ? op_effects[op] : 0;
}

char opcode_arg_kind(Opcode op)
{
    return (unsigned)op < OP__COUNT ? op_kinds[op] : 'N';
}

static void emit(InterpWriteFn out, void *host, const char *s)
{
    out(host, s, strlen(s));
}

static void const_text(const Value *v, char *buf, size_t n)
{
    switch (v->tag) {
    case VAL_NONE: snprintf(buf, n, "None"); break;
    case VAL_BOOL: snprintf(buf, n, "%s", v->u.b ? "True" : "False"); break;
    case VAL_INT: snprintf(buf, n, "%lld", (long long)v->u.i); break;
    case VAL_FLOAT: snprintf(buf, n, "%.17g", v->u.f); break;
    case VAL_OBJ:
        if (val_is_str(*v))
            snprintf(buf, n, "'%.40s'", val_str(*v)->data);
        else if (val_is_tuple(*v))
            snprintf(buf, n, "(tuple of %zu)", val_tuple(*v)->len);
        else
            snprintf(buf, n, "<%s>", v->u.o->type->name);
        break;
    default: snprintf(buf, n, "?"); break;
    }
}

void disasm_code(const Code *code, InterpWriteFn out, void *host)
{
    char line[512], extra[200];
    snprintf(line, sizeof line, "Disassembly of <code %s, file \"%s\", line %d>%s (locals %d, cells %d, free %d, stack %d):\n",
             code->qualname->data, code->filename, code->firstline,
             (code->flags & CODE_COROUTINE) ? " coroutine" : "", code->nlocals, code->ncells,
             code->nfree, code->stacksize);
    emit(out, host, line);
    int last = -1;
    for (uint32_t i = 0; i < code->nins; i++) {
        Instr in = code->ins[i];
        Opcode op = OP_CODE(in);
        uint32_t arg = OP_ARG(in);
        extra[0] = 0;
        switch (opcode_arg_kind(op)) {
        case 'K': const_text(&code->consts[arg], extra, sizeof extra); break;
        case 'S': snprintf(extra, sizeof extra, "%s", code->names[arg]->data); break;
        case 'L': snprintf(extra, sizeof extra, "%s", code->localnames[arg]->data); break;
        case 'C': snprintf(extra, sizeof extra, "%s", code->cellnames[arg]->data); break;
        case 'J': snprintf(extra, sizeof extra, "to %u", arg); break;
        default: break;
        }
        if (op == OP_CALL_METHOD || op == OP_CALL_METHOD_KW)
            snprintf(extra, sizeof extra, "%s, %u args", code->names[arg >> 8]->data, arg & 0xff);
        if (op == OP_MAKE_FUNCTION)
            snprintf(extra, sizeof extra, "%s, flags %u", code->codes[arg >> 3]->qualname->data, arg & 7);
        int l = code->locs[i].line;
        char lbuf[16] = "";
        if (l != last)
            snprintf(lbuf, sizeof lbuf, "%4d", l);
        last = l;
        const char *mark = "  ";
        for (uint32_t k = 0; k < code->nexc; k++)
            if (code->exc[k].handler == i)
                mark = ">>";
        snprintf(line, sizeof line, "%-4s %s %5u %-22s %6u%s%s%s\n", lbuf, mark, i, opcode_name(op), arg,
                 extra[0] ? " (" : "", extra, extra[0] ? ")" : "");
        emit(out, host, line);
    }
    if (code->nexc) {
        emit(out, host, "Exception table:\n");
        for (uint32_t k = 0; k < code->nexc; k++) {
            snprintf(line, sizeof line, "  %u to %u -> %u [%u]\n", code->exc[k].start, code->exc[k].end,
                     code->exc[k].handler, code->exc[k].depth);
            emit(out, host, line);
        }
    }
    emit(out, host, "\n");
    for (uint32_t i = 0; i < code->ncodes; i++)
        disasm_code(code->codes[i], out, host);
}
