/* net: the simulated network of the lesson language: the modules `requests`
 * (blocking) and `aiohttp` (non-blocking), made on import (vm_import).
 *
 * Each URL answers as the host says (InterpConfig.net, interp.h), with the
 * defaults of lessons/README.md for what it leaves out: latency 0.5 s,
 * status 200, body "<content of URL>" (repeated and cut to `size` when a
 * size is given without a body). The modules behave as the oracle's fakes
 * (tests/oracle-fakes/requests.py, aiohttp.py), so CPython stays the judge:
 *   requests.get(url)  blocks the whole program for the latency (time.sleep)
 *                      and returns a Response: .status_code .text .url
 *                      (.content is the text too: no bytes in the language).
 *   async with aiohttp.ClientSession() as s:   (no suspension)
 *       async with s.get(url) as r:            (one suspension: the latency)
 *           r.status, r.url, await r.text(), await r.read()  (no suspension)
 */
#ifndef AIO_LANG_NET_H
#define AIO_LANG_NET_H

#include "engine/lang/interp.h"
#include "engine/lang/obj.h"

typedef struct Vm Vm;

/* import requests / import aiohttp: RT_OK with a new module in *out;
 * RT_STOP when `name` is neither (nothing raised). */
RtStatus net_import(Vm *vm, const Str *name, Value *out);

/* The host settings of an Interp (interp.c). */
const InterpConfig *interp_config(const Interp *ip);

#endif
