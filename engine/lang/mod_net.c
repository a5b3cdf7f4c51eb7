/* mod_net: `requests` and `aiohttp` on the simulated network (net.h). */
#include "engine/lang/net.h"

#include <string.h>

#include "engine/lang/vm.h"

#define NET_DEFAULT_LATENCY_NS 500000000LL
#define NET_DEFAULT_STATUS 200

typedef enum NetKind { NK_RESPONSE, NK_SESSION, NK_REQUEST, NK_CLIENT_RESPONSE } NetKind;

typedef struct NetObj {
    Obj hdr;
    Vm *vm;
    NetKind kind;
    Value url;  /* str, or None for a session */
    Value body; /* str (responses) */
    int status;
} NetObj;

static void net_free(Rt *rt, Obj *o)
{
    NetObj *n = (NetObj *)o;
    val_decref(rt, n->url);
    val_decref(rt, n->body);
    obj_release(rt, o, sizeof(NetObj));
}

/* What the network answers for url: latency, status and the body as a new str. */
static RtStatus lookup(Vm *vm, Str *url, int64_t *latency, int *status, Value *body)
{
    Rt *rt = &vm->rt;
    InterpNetReply r = {-1, 0, NULL, -1};
    const InterpConfig *cfg = vm->ip ? interp_config(vm->ip) : NULL;
    if (cfg && cfg->net)
        cfg->net(cfg->net_host, url->data, &r);
    *latency = r.latency_ns >= 0 ? r.latency_ns : NET_DEFAULT_LATENCY_NS;
    *status = r.status > 0 ? r.status : NET_DEFAULT_STATUS;
    if (r.body)
        return str_value(rt, r.body, strlen(r.body), body);
    StrBuf sb;
    sb_init(&sb, rt);
    sb_printf(&sb, "<content of %s>", url->data);
    if (sb_status(&sb) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    if (r.size >= 0) {
        /* (body * (n // len(body) + 1))[:n] */
        size_t unit = sb.len, n = (size_t)r.size;
        StrBuf big;
        sb_init(&big, rt);
        while (big.len < n && unit) {
            size_t take = n - big.len < unit ? n - big.len : unit;
            sb_put(&big, sb.buf, take);
            if (sb_status(&big) != RT_OK)
                break;
        }
        sb_fini(&sb);
        return sb_finish(&big, body);
    }
    return sb_finish(&sb, body);
}

static NetObj *net_new(Vm *vm, const ObjType *t, NetKind k)
{
    NetObj *n = (NetObj *)obj_alloc(&vm->rt, t, sizeof(NetObj));
    if (!n)
        return NULL;
    n->vm = vm;
    n->kind = k;
    n->url = VAL_NONE_V;
    n->body = VAL_NONE_V;
    return n;
}

#define METHOD(name) static RtStatus name(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
#define SELF ((NetObj *)self.u.o)

/* An awaitable already done with v: awaiting it does not suspend. */
static CoroStatus done_step(NcoObj *c, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    if (how == CORO_THROW) {
        if (in)
            obj_incref(in);
        *out = in;
        return CORO_RAISE;
    }
    *out = vm_to_host(c->vm, c->arg);
    return CORO_RETURN;
}

static RtStatus done_coro(Rt *rt, const char *name, Value v, Value *out)
{
    NcoObj *c = nco_custom_new(vm_of(rt), name, done_step, VAL_NONE_V, v);
    if (!c)
        return RT_ERR;
    *out = val_obj(&c->hdr);
    return RT_OK;
}

static RtStatus attr_common(Rt *rt, NetObj *o, Str *name, Value *out)
{
    (void)rt;
    if (str_eq_cstr(name, "url") && o->kind != NK_SESSION) {
        *out = val_incref(o->url);
        return RT_OK;
    }
    return RT_STOP;
}

/* ------------------------------------------------------------ requests */

static RtStatus resp_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    NetObj *r = (NetObj *)o;
    if (str_eq_cstr(name, "status_code")) {
        *out = val_int(r->status);
        return RT_OK;
    }
    if (str_eq_cstr(name, "text") || str_eq_cstr(name, "content")) {
        *out = val_incref(r->body);
        return RT_OK;
    }
    if (str_eq_cstr(name, "ok")) {
        *out = val_bool(r->status < 400);
        return RT_OK;
    }
    return attr_common(rt, r, name, out);
}

static RtStatus resp_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    sb_printf(sb, "<Response [%d]>", ((NetObj *)o)->status);
    return RT_OK;
}

static const ObjType response_type = {
    .name = "Response", .free = net_free, .repr = resp_repr, .getattr = resp_getattr};

static RtStatus url_arg(Rt *rt, const char *fname, const Value *a, size_t n, Tuple *kw, Value *url)
{
    Value v[1];
    if (rt_parse_args(rt, fname, "url", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!val_is_str(v[0]))
        return rt_raise_id(rt, CLS_TypeError, "the URL must be a str, not %s", obj_type_name(rt, v[0]));
    *url = v[0];
    return RT_OK;
}

static RtStatus requests_get(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value url;
    if (url_arg(rt, "get", a, n, kw, &url) != RT_OK)
        return RT_ERR;
    NetObj *r = net_new(vm, &response_type, NK_RESPONSE);
    if (!r)
        return RT_ERR;
    int64_t latency;
    if (lookup(vm, val_str(url), &latency, &r->status, &r->body) != RT_OK) {
        obj_decref(rt, &r->hdr);
        return RT_ERR;
    }
    r->url = val_incref(url);
    vm_block_for(vm, latency);
    *out = val_obj(&r->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ aiohttp */

METHOD(cr_text)
{
    if (rt_parse_args(rt, "text", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    return done_coro(rt, "ClientResponse.text", SELF->body, out);
}

METHOD(cr_read)
{
    if (rt_parse_args(rt, "read", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    return done_coro(rt, "ClientResponse.read", SELF->body, out);
}

static RtStatus cr_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    NetObj *r = (NetObj *)o;
    if (str_eq_cstr(name, "status")) {
        *out = val_int(r->status);
        return RT_OK;
    }
    if (str_eq_cstr(name, "ok")) {
        *out = val_bool(r->status < 400);
        return RT_OK;
    }
    return attr_common(rt, r, name, out);
}

static RtStatus cr_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    NetObj *r = (NetObj *)o;
    sb_printf(sb, "<ClientResponse(%s) [%d]>", val_str(r->url)->data, r->status);
    return RT_OK;
}

static const MethodDef cr_methods[] = {{"text", cr_text}, {"read", cr_read}, {NULL, NULL}};
static const ObjType client_response_type = {
    .name = "ClientResponse", .free = net_free, .repr = cr_repr, .getattr = cr_getattr, .methods = cr_methods};

/* async with session.get(url) as r: entering waits the latency, as the
 * fake's `await asyncio.sleep(latency)`, and gives the response. */
METHOD(req_aenter)
{
    if (rt_parse_args(rt, "__aenter__", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    Vm *vm = vm_of(rt);
    NetObj *rq = SELF;
    NetObj *r = net_new(vm, &client_response_type, NK_CLIENT_RESPONSE);
    if (!r)
        return RT_ERR;
    int64_t latency;
    if (lookup(vm, val_str(rq->url), &latency, &r->status, &r->body) != RT_OK) {
        obj_decref(rt, &r->hdr);
        return RT_ERR;
    }
    r->url = val_incref(rq->url);
    Value sleep, args[2], aw;
    Str *name = rt_intern_cstr(rt, "sleep");
    if (!name || obj_getattr(rt, val_obj(&vm->mod_asyncio->hdr), name, &sleep) != RT_OK) {
        obj_decref(rt, &r->hdr);
        return RT_ERR;
    }
    args[0] = val_float((double)latency / 1e9);
    args[1] = val_obj(&r->hdr);
    RtStatus st = obj_call(rt, sleep, args, 2, NULL, &aw);
    val_decref(rt, sleep);
    obj_decref(rt, &r->hdr);
    if (st != RT_OK)
        return RT_ERR;
    /* The latency in exact ns, not through a float. */
    if (val_is_type(aw, &vm_nco_type))
        ((NcoObj *)aw.u.o)->delay_ns = latency;
    *out = aw;
    return RT_OK;
}

static RtStatus aexit(Rt *rt, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Value v[3];
    if (rt_parse_args(rt, "__aexit__", "exc_type,exc,tb", a, n, kw, v) != RT_OK)
        return RT_ERR;
    return done_coro(rt, "__aexit__", val_bool(false), out);
}

METHOD(req_aexit)
{
    (void)self;
    return aexit(rt, a, n, kw, out);
}

static const MethodDef req_methods[] = {{"__aenter__", req_aenter}, {"__aexit__", req_aexit}, {NULL, NULL}};
static const ObjType request_type = {
    .name = "_RequestContextManager", .free = net_free, .methods = req_methods};

METHOD(sess_aenter)
{
    if (rt_parse_args(rt, "__aenter__", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    return done_coro(rt, "ClientSession.__aenter__", self, out);
}

METHOD(sess_aexit)
{
    (void)self;
    return aexit(rt, a, n, kw, out);
}

METHOD(sess_get)
{
    Value url;
    if (url_arg(rt, "get", a, n, kw, &url) != RT_OK)
        return RT_ERR;
    NetObj *rq = net_new(SELF->vm, &request_type, NK_REQUEST);
    if (!rq)
        return RT_ERR;
    rq->url = val_incref(url);
    *out = val_obj(&rq->hdr);
    return RT_OK;
}

METHOD(sess_close)
{
    if (rt_parse_args(rt, "close", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    return done_coro(rt, "ClientSession.close", VAL_NONE_V, out);
}

static const MethodDef sess_methods[] = {
    {"__aenter__", sess_aenter}, {"__aexit__", sess_aexit}, {"get", sess_get}, {"close", sess_close}, {NULL, NULL}};
static const ObjType session_type = {.name = "ClientSession", .free = net_free, .methods = sess_methods};

static RtStatus aiohttp_session(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (rt_parse_args(rt, "ClientSession", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    NetObj *s = net_new(vm_of(rt), &session_type, NK_SESSION);
    if (!s)
        return RT_ERR;
    *out = val_obj(&s->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ import */

RtStatus net_import(Vm *vm, const Str *name, Value *out)
{
    Rt *rt = &vm->rt;
    bool req = str_eq_cstr(name, "requests");
    if (!req && !str_eq_cstr(name, "aiohttp"))
        return RT_STOP;
    Module *m = module_new(rt, req ? "requests" : "aiohttp");
    if (!m)
        return RT_ERR;
    RtStatus st = req ? module_add_native(rt, m, "get", requests_get, vm)
                      : module_add_native(rt, m, "ClientSession", aiohttp_session, vm);
    if (st != RT_OK) {
        obj_decref(rt, &m->hdr);
        return RT_ERR;
    }
    *out = val_obj(&m->hdr);
    return RT_OK;
}
