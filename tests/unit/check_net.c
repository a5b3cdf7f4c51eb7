/* Check suite for the simulated network: app/netcfg.c (the --net table and
 * the lesson adapter) and engine/lang/mod_net.c (requests, aiohttp) through
 * the embedding API. Expected outputs are what the oracle fakes print under
 * CPython (tests/oracle-fakes). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/lesson.h"
#include "app/netcfg.h"
#include "engine/lang/interp.h"

typedef struct Cap {
    char out[8192], err[8192];
    size_t nout, nerr;
} Cap;

static void cap(char *buf, size_t *len, size_t cap_, const char *s, size_t n)
{
    if (*len + n < cap_) {
        memcpy(buf + *len, s, n);
        *len += n;
        buf[*len] = 0;
    }
}
static void cap_out(void *host, const char *s, size_t n)
{
    Cap *c = host;
    cap(c->out, &c->nout, sizeof c->out, s, n);
}
static void cap_err(void *host, const char *s, size_t n)
{
    Cap *c = host;
    cap(c->err, &c->nerr, sizeof c->err, s, n);
}

static int run_net(const char *src, Cap *c, InterpNetFn fn, void *net_host)
{
    memset(c, 0, sizeof *c);
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = cap_out;
    cfg.err = cap_err;
    cfg.host = c;
    cfg.net = fn;
    cfg.net_host = net_host;
    Interp *ip = interp_new(&cfg);
    ck_assert_ptr_nonnull(ip);
    int st = 1;
    if (interp_load(ip, src, strlen(src), "t.py") == 0)
        st = interp_run(ip);
    interp_free(ip);
    return st;
}

static char *write_tmp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/check_net_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

static const char *const PROG =
    "import asyncio, time, requests, aiohttp\n"
    "r = requests.get('https://a.example/x')\n"
    "print(r, r.status_code, repr(r.text), r.url, f'{time.perf_counter():.2f}')\n"
    "r = requests.get('https://b.example/')\n"
    "print(r.status_code, r.text, f'{time.perf_counter():.2f}')\n"
    "async def main():\n"
    "    t0 = time.perf_counter()\n"
    "    async with aiohttp.ClientSession() as s:\n"
    "        async with s.get('https://a.example/x') as r:\n"
    "            print(r.status, await r.text(), await r.read(), f'{time.perf_counter() - t0:.2f}')\n"
    "        async with s.get('https://gone.example/') as r:\n"
    "            print(r.status, f'{time.perf_counter() - t0:.2f}')\n"
    "asyncio.run(main())\n";

START_TEST(test_defaults)
{
    Cap c;
    ck_assert_int_eq(run_net(PROG, &c, NULL, NULL), 0);
    ck_assert_str_eq(c.out, "<Response [200]> 200 '<content of https://a.example/x>' https://a.example/x 0.50\n"
                            "200 <content of https://b.example/> 1.00\n"
                            "200 <content of https://a.example/x> <content of https://a.example/x> 0.50\n"
                            "200 1.00\n");
}
END_TEST

START_TEST(test_table)
{
    char err[256];
    const char *path = write_tmp("{\"network\": {\n"
                                 " \"https://a.example/x\": {\"latency\": 0.25, \"size\": 7},\n"
                                 " \"https://b.example/\": {\"latency\": 2, \"body\": \"hi\"},\n"
                                 " \"https://gone.example/\": {\"status\": 404, \"latency\": 0.1}}}");
    NetCfg *n = netcfg_load(path, err, sizeof err);
    unlink(path);
    ck_assert_msg(n != NULL, "%s", err);
    InterpNetReply r = {-1, 0, NULL, -1};
    netcfg_reply(n, "https://nowhere.example/", &r);
    ck_assert_int_eq(r.latency_ns, -1);
    ck_assert_ptr_null(r.body);
    netcfg_reply(n, "https://b.example/", &r);
    ck_assert_int_eq(r.latency_ns, 2000000000);
    ck_assert_str_eq(r.body, "hi");
    Cap c;
    ck_assert_int_eq(run_net(PROG, &c, netcfg_reply, n), 0);
    ck_assert_str_eq(c.out, "<Response [200]> 200 '<conten' https://a.example/x 0.25\n"
                            "200 hi 2.25\n"
                            "200 <conten <conten 0.25\n"
                            "404 0.35\n");
    netcfg_free(n);
}
END_TEST

START_TEST(test_bad_files)
{
    char err[256];
    ck_assert_ptr_null(netcfg_load("/nonexistent/net.json", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "cannot read"));
    const char *bad[] = {"[1, 2]", "{\"network\": {\"u\": 3}}", "{\"u\": {\"latency\": -1}}",
                         "{\"u\": {\"status\": \"ok\"}}", "{\"u\": {\"body\": 5}}", "{not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_tmp(bad[i]);
        NetCfg *n = netcfg_load(path, err, sizeof err);
        unlink(path);
        ck_assert_msg(n == NULL, "accepted %s", bad[i]);
    }
    /* A bare table (no "network" member) is accepted too. */
    const char *path = write_tmp("{\"https://z/\": {\"status\": 500}}");
    NetCfg *n = netcfg_load(path, err, sizeof err);
    unlink(path);
    ck_assert_ptr_nonnull(n);
    InterpNetReply r = {-1, 0, NULL, -1};
    netcfg_reply(n, "https://z/", &r);
    ck_assert_int_eq(r.status, 500);
    netcfg_free(n);
}
END_TEST

START_TEST(test_lesson_adapter)
{
    LessonUrl u = {(char *)"https://l.example/", 1500000000, 4, 201, (char *)"body"};
    Lesson l;
    memset(&l, 0, sizeof l);
    l.urls = &u;
    l.nurls = 1;
    Cap c;
    ck_assert_int_eq(run_net("import requests, time\n"
                             "r = requests.get('https://l.example/')\n"
                             "print(r.status_code, r.text, time.perf_counter())\n",
                             &c, netcfg_lesson_reply, &l),
                     0);
    ck_assert_str_eq(c.out, "201 body 1.5\n");
}
END_TEST

START_TEST(test_errors)
{
    Cap c;
    ck_assert_int_eq(run_net("import requests\nrequests.get(5)\n", &c, NULL, NULL), 1);
    ck_assert_ptr_nonnull(strstr(c.err, "TypeError"));
    ck_assert_int_eq(run_net("import asyncio, aiohttp\n"
                             "async def main():\n"
                             "    async with aiohttp.ClientSession() as s:\n"
                             "        async with asyncio.timeout(0.1):\n"
                             "            async with s.get('https://x/') as r:\n"
                             "                print('never')\n"
                             "asyncio.run(main())\n",
                             &c, NULL, NULL),
                     1);
    ck_assert_ptr_nonnull(strstr(c.err, "TimeoutError"));
    ck_assert_str_eq(c.out, "");
}
END_TEST

static Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_lesson_adapter);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(net_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
