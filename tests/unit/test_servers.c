/* SPDX-License-Identifier: ISC */
/* test_servers.c - server health records: the state file's format and
 * its defensive parser, the ranking, failure and answer bookkeeping (one
 * failure per route and lookup), and the file written to and read back
 * from a cache directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "t.h"
#include "dc_servers.h"
#include "dc_cachefile.h"
#include "dc_certcache.h"
#include "dc_ctx_plan.h"

#define NOW 1700000000

static const char ID_A[] = "000102030405060708090a0b0c0d0e0f";
static const char ID_B[] = "ffeeddccbbaa99887766554433221100";

static int parse(const char *text, struct dc_health *h, int max)
{
	return dc_state_parse(text, strlen(text), NOW, h, max);
}

static void test_parse(void)
{
	struct dc_health h[8];
	char text[1024];
	int n;

	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n"
		 "%s 2 1500 %d %d %d\n%s 0 30000 0 %d %d\n",
		 ID_A, NOW + 100, NOW - 10, NOW - 5, ID_B, NOW - 60, NOW - 60);
	n = parse(text, h, 8);
	T_EQ_INT(n, 2, "two records");
	T_OK(h[0].id[0] == 0 && h[0].id[15] == 0x0f && h[0].fails == 2 &&
	     h[0].srtt_us == 1500 && h[0].skip_until == NOW + 100 &&
	     h[0].rtt_at == NOW - 10 && h[0].updated == NOW - 5, "first record's fields");
	T_OK(h[1].id[0] == 0xff && h[1].srtt_us == 30000 && h[1].skip_until == 0,
	     "second record's fields");

	T_EQ_INT(parse("", h, 8), 0, "empty file: nothing");
	T_EQ_INT(parse("nss-dnscrypt servers 2\n", h, 8), 0, "another version: nothing");
	snprintf(text, sizeof text, "nss-dnscrypt servers 2\n%s 0 1 0 0 0\n", ID_A);
	T_EQ_INT(parse(text, h, 8), 0, "records of another version are not read");
	snprintf(text, sizeof text, "%s 0 1 0 0 0\n", ID_A);
	T_EQ_INT(parse(text, h, 8), 0, "no header line: nothing");

	/* bad lines are skipped, good ones around them kept */
	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n"
		 "%s 0 1 0 0 1\n"                  /* ok */
		 "%s 0 1 0 0\n"                    /* 5 fields */
		 "%s 0 1 0 0 1 7 8\n"              /* 8 fields */
		 "%s  0 1 0 0 1\n"                 /* double space */
		 "%s -1 1 0 0 1\n"                 /* sign */
		 "%s 0 0x10 0 0 1\n"               /* hex */
		 "%.31s 0 1 0 0 1\n"               /* short id */
		 "%.31sg 0 1 0 0 1\n"              /* not hex */
		 "%s 0 1 0 0 1234567890123456789\n" /* 19 digits */
		 "%s 0 1 0 0 1 \n"                 /* trailing space */
		 "\n"
		 "%s 0 7 0 0 2",                   /* no final newline: cut short */
		 ID_A, ID_B, ID_B, ID_B, ID_B, ID_B, ID_B, ID_B, ID_B, ID_B, ID_B);
	n = parse(text, h, 8);
	T_EQ_INT(n, 1, "only the well-formed line is kept");
	T_OK(n == 1 && h[0].srtt_us == 1 && h[0].updated == 1, "and it is the right one");

	/* hostile values are clamped */
	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n%s 999999 999999999 %lld %lld %lld\n",
		 ID_A, (long long)NOW + 10 * 365 * 86400LL, (long long)NOW + 86400,
		 (long long)NOW + 86400);
	n = parse(text, h, 8);
	T_EQ_INT(n, 1, "hostile record read");
	T_EQ_INT(h[0].fails, DC_FAILS_MAX, "fails clamped to %d", DC_FAILS_MAX);
	T_EQ_INT(h[0].srtt_us, DC_RTT_MAX_US, "RTT clamped to 60 s");
	T_EQ_INT(h[0].skip_until, NOW + DC_SKIP_MAX, "skip clamped to now + %d s", DC_SKIP_MAX);
	T_EQ_INT(h[0].rtt_at, NOW, "measurement time not in the future");
	T_EQ_INT(h[0].updated, NOW, "update time not in the future");

	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n%s 0 0 0 %d %d\n", ID_A, NOW, NOW);
	parse(text, h, 8);
	T_EQ_INT(h[0].rtt_at, 0, "no RTT, no measurement time");
	T_EQ_INT(h[0].udp_bad_until, 0, "a line of an earlier version (6 fields): UDP not known bad");

	/* UDP known to get no answer: until when, at most DC_UDP_RETRY ahead */
	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n%s 0 1 0 0 1 %d\n%s 0 1 0 0 1 %lld\n",
		 ID_A, NOW + 60, ID_B, (long long)NOW + 86400);
	n = parse(text, h, 8);
	T_OK(n == 2 && h[0].udp_bad_until == NOW + 60, "UDP_BAD_UNTIL read");
	T_EQ_INT(h[1].udp_bad_until, NOW + DC_UDP_RETRY, "UDP_BAD_UNTIL clamped to now + %d s",
		 DC_UDP_RETRY);

	/* duplicates: the later line wins; the count is bounded */
	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n%s 1 1 0 0 1\n%s 0 9 0 0 2\n",
		 ID_A, ID_A);
	n = parse(text, h, 8);
	T_OK(n == 1 && h[0].srtt_us == 9, "a later duplicate replaces the earlier");
	snprintf(text, sizeof text, "nss-dnscrypt servers 1\n%s 1 1 0 0 1\n%s 0 9 0 0 2\n",
		 ID_A, ID_B);
	T_EQ_INT(parse(text, h, 1), 1, "at most max records");
	T_EQ_INT(dc_state_parse(text, strlen(text), NOW, h, 0), 0, "max 0: nothing");
	T_EQ_INT(dc_state_parse(NULL, 5, NOW, h, 8), 0, "NULL: nothing");
	{
		char nul[128];
		int k = snprintf(nul, sizeof nul, "nss-dnscrypt servers 1\n%s 0 1 0 0 1\n", ID_A);
		nul[30] = '\0';
		T_EQ_INT(dc_state_parse(nul, (size_t)k, NOW, h, 8), 0, "a NUL byte spoils the line");
	}
}

static void test_format(void)
{
	struct dc_health in[3], out[3];
	char buf[1024];
	size_t len;

	memset(in, 0, sizeof in);
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < DC_HEALTH_ID_LEN; k++)
			in[i].id[k] = (uint8_t)(i * 16 + k);
		in[i].fails = (uint32_t)i;
		in[i].srtt_us = 1000u * (uint32_t)(i + 1);
		in[i].skip_until = i ? NOW + 60 * i : 0;
		in[i].rtt_at = NOW - i;
		in[i].updated = NOW - 2 * i;
		in[i].udp_bad_until = i == 2 ? NOW + 100 : 0;
	}
	len = dc_state_format(in, 3, buf, sizeof buf);
	T_OK(len > 0 && len == strlen(buf), "formatted (%zu bytes)", len);
	T_EQ_INT(dc_state_parse(buf, len, NOW, out, 3), 3, "three records read back");
	T_OK(memcmp(in, out, sizeof in) == 0, "format and parse round-trip");
	len = dc_state_format(in, 3, buf, 100);
	T_EQ_INT(dc_state_parse(buf, len, NOW, out, 3), 1,
		 "a short buffer keeps the records that fit");
	T_EQ_INT(dc_state_format(in, 3, buf, 10), 0, "no room for the header: nothing");
}

static void test_rank(void)
{
	struct dc_health h[5];
	int order[5];

	memset(h, 0, sizeof h);
	/* 0: fast; 1: slow; 2: never measured; 3: skipped (soon back);
	 * 4: skipped longer, though fastest */
	h[0].srtt_us = 2000, h[0].rtt_at = NOW - 5;
	h[1].srtt_us = 50000, h[1].rtt_at = NOW - 5;
	h[3].srtt_us = 3000, h[3].rtt_at = NOW - 5, h[3].skip_until = NOW + 30, h[3].fails = 1;
	h[4].srtt_us = 100, h[4].rtt_at = NOW - 5, h[4].skip_until = NOW + 300, h[4].fails = 3;
	dc_health_rank(h, 5, NOW, order);
	T_OK(order[0] == 2 && order[1] == 0 && order[2] == 1 && order[3] == 3 && order[4] == 4,
	     "unmeasured, fast, slow, then the skipped ones, soonest back first "
	     "(%d %d %d %d %d)", order[0], order[1], order[2], order[3], order[4]);
	T_OK(dc_health_cmp(&h[0], &h[1], NOW) < 0 && dc_health_cmp(&h[1], &h[0], NOW) > 0,
	     "fast before slow");
	T_OK(dc_health_cmp(&h[4], &h[4], NOW) == 0, "equal to itself");
	/* a skip that ran out: ranked by RTT again */
	T_OK(dc_health_cmp(&h[4], &h[0], NOW + 301) < 0, "after its skip, the fastest goes first");
	/* a stale measurement is measured again: ranked as unmeasured */
	T_OK(dc_health_cmp(&h[1], &h[0], NOW + DC_RTT_STALE) == 0 &&
	     dc_health_cmp(&h[1], &h[2], NOW + DC_RTT_STALE) == 0,
	     "after %d s, RTTs count as unmeasured", DC_RTT_STALE);
	memset(h, 0, sizeof h);
	dc_health_rank(h, 5, NOW, order);
	T_OK(order[0] == 0 && order[1] == 1 && order[4] == 4, "all equal: configuration order");
}

static void test_ids(void)
{
	struct dc_stamp s, r1, r2;
	uint8_t a[16], b[16], c[16], d[16];

	memset(&s, 0, sizeof s);
	s.kind = DC_STAMP_DNSCRYPT;
	s.addr.sin.sin_family = AF_INET;
	s.addr.sin.sin_port = htons(443);
	s.addr.sin.sin_addr.s_addr = htonl(0x7f000036);
	s.addrlen = sizeof s.addr.sin;
	strcpy(s.provider_name, "2.dnscrypt-cert.lab.test");
	r1 = s;
	r1.kind = DC_STAMP_RELAY;
	r1.addr.sin.sin_addr.s_addr = htonl(0x7f000101);
	r2 = r1;
	r2.addr.sin.sin_port = htons(444);
	T_EQ_INT(dc_servers_id(&s, NULL, a), 0, "direct route id");
	dc_servers_id(&s, &r1, b);
	dc_servers_id(&s, &r2, c);
	dc_servers_id(&s, NULL, d);
	T_OK(memcmp(a, b, 16) && memcmp(b, c, 16) && memcmp(a, c, 16),
	     "direct, relay 1 and relay 2 (other port) are different routes");
	T_OK(memcmp(a, d, 16) == 0, "ids are stable");
	s.addr.sa.sa_family = AF_UNIX;
	T_EQ_INT(dc_servers_id(&s, NULL, a), -1, "no id for another family");
}

static char tmpdir[] = "/tmp/dc_test_servers.XXXXXX";

static size_t read_state_file(struct dc_config *cfg, char *buf, size_t cap)
{
	char path[512];
	ssize_t n;
	int fd;

	if (geteuid() == 0)
		snprintf(path, sizeof path, "%s/" DC_STATE_FILE, cfg->cert_cache_dir);
	else
		snprintf(path, sizeof path, "%s/xdg/nss-dnscrypt/" DC_STATE_FILE, tmpdir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, cap - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

/* The record for id in the state file (parsed into fh), or NULL. */
static const struct dc_health *saved_record(struct dc_config *cfg, const uint8_t id[16],
					    struct dc_health fh[DC_HEALTH_MAX])
{
	static char buf[DC_STATE_MAX + 1];
	const struct dc_health *found = NULL;
	int n = (int)read_state_file(cfg, buf, sizeof buf);

	n = dc_state_parse(buf, (size_t)n, time(NULL), fh, DC_HEALTH_MAX);
	for (int i = 0; i < n; i++)
		if (memcmp(fh[i].id, id, 16) == 0)
			found = &fh[i];
	return found;
}

static void test_bookkeeping(void)
{
	struct dc_config cfg;
	struct dc_health h, fh[DC_HEALTH_MAX];
	uint8_t id[16], id2[16];
	char buf[DC_STATE_MAX + 1], path[512];
	time_t now = time(NULL);
	const struct dc_health *rec;
	int n;

	dc_config_init(&cfg);
	snprintf(cfg.cert_cache_dir, sizeof cfg.cert_cache_dir, "%s/sys", tmpdir);
	mkdir(cfg.cert_cache_dir, 0755);
	snprintf(path, sizeof path, "%s/xdg", tmpdir);
	mkdir(path, 0700);
	setenv("XDG_CACHE_HOME", path, 1);
	randombytes_buf(id, sizeof id);
	randombytes_buf(id2, sizeof id2);

	dc_servers_get(id, &h);
	T_OK(memcmp(h.id, id, 16) == 0 && h.fails == 0 && h.srtt_us == 0,
	     "an unknown route: a zero record");

	if (dc_servers_note_failure(id))
		dc_servers_save(&cfg);
	dc_servers_get(id, &h);
	T_OK(h.fails == 1 && h.skip_until >= now + DC_SKIP_MIN &&
	     h.skip_until <= now + DC_SKIP_MIN + 2, "one failure: skipped for %d s", DC_SKIP_MIN);
	if (dc_servers_note_failure(id))
		dc_servers_save(&cfg);
	dc_servers_get(id, &h);
	T_OK(h.fails == 2 && h.skip_until >= now + 2 * DC_SKIP_MIN, "two: skip doubled");
	for (int i = 0; i < 10; i++)
		if (dc_servers_note_failure(id))
			dc_servers_save(&cfg);
	dc_servers_get(id, &h);
	T_OK(h.fails == 12 && h.skip_until <= time(NULL) + DC_SKIP_MAX,
	     "many: capped at %d s", DC_SKIP_MAX);

	n = (int)read_state_file(&cfg, buf, sizeof buf);
	T_OK(n > 0, "the failure was saved (%s)", geteuid() == 0 ?
	     "system directory" : "per-user directory");
	rec = saved_record(&cfg, id, fh);
	T_OK(rec && rec->fails == 12, "the state file holds the failing route");

	T_EQ_INT(dc_servers_note_answer(id, 4000, 1), 1, "recovery and a first RTT: save wanted");
	dc_servers_save(&cfg);
	dc_servers_get(id, &h);
	T_OK(h.fails == 0 && h.skip_until == 0 && h.srtt_us == 4000,
	     "an answer clears the failures; first RTT sample taken as it is");
	T_EQ_INT(dc_servers_note_answer(id, 12000, 1), 0, "a small RTT drift: no save wanted");
	dc_servers_get(id, &h);
	T_EQ_INT(h.srtt_us, 5000, "then smoothed by 1/8 (4000 -> 5000 after 12000)");
	dc_servers_note_answer(id, 90000, 0);
	dc_servers_get(id, &h);
	T_EQ_INT(h.srtt_us, 5000, "an answer that is no sample leaves the RTT");
	rec = saved_record(&cfg, id, fh);
	T_OK(rec && rec->fails == 0 && rec->srtt_us == 4000,
	     "the recovery was saved with the first RTT (small drift is not)");

	/* UDP to the route got no answer where TCP did */
	T_EQ_INT(dc_servers_note_udp(id, 1), 0, "UDP answered, nothing known against it: no save wanted");
	T_EQ_INT(dc_servers_note_udp(id, 0), 1, "UDP failed: save wanted");
	dc_servers_save(&cfg);
	dc_servers_get(id, &h);
	T_OK(h.udp_bad_until >= now + DC_UDP_RETRY && h.udp_bad_until <= time(NULL) + DC_UDP_RETRY,
	     "TCP first for %d s", DC_UDP_RETRY);
	rec = saved_record(&cfg, id, fh);
	T_OK(rec && rec->udp_bad_until == h.udp_bad_until,
	     "the state file tells later processes");
	T_EQ_INT(dc_servers_note_udp(id, 1), 1, "UDP answers again: save wanted");
	dc_servers_get(id, &h);
	T_EQ_INT(h.udp_bad_until, 0, "and UDP is used again");

	/* another process wrote a newer record: a load takes it */
	{
		struct dc_health nh;
		size_t len;
		char out[DC_STATE_MAX];

		memset(&nh, 0, sizeof nh);
		memcpy(nh.id, id2, 16);
		nh.srtt_us = 777;
		nh.rtt_at = nh.updated = time(NULL);
		len = dc_state_format(&nh, 1, out, sizeof out);
		dc_cachefile_write(&cfg, 0, DC_STATE_FILE, (const uint8_t *)out, len);
		dc_servers_load(&cfg, 1);
		dc_servers_get(id2, &h);
		T_EQ_INT(h.srtt_us, 777, "a load merges a record another process wrote");
		dc_servers_get(id, &h);
		T_EQ_INT(h.srtt_us, 5000, "and keeps ours that the file lacks");
	}

	/* cert-cache none: no file at all */
	{
		struct dc_config none = cfg;
		none.cert_cache_dir[0] = '\0';
		unlink(path);
		snprintf(path, sizeof path, "%s/" DC_STATE_FILE, cfg.cert_cache_dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/xdg/nss-dnscrypt/" DC_STATE_FILE, tmpdir);
		unlink(path);
		T_EQ_INT(dc_servers_note_failure(id2), 1, "a failure: save wanted");
		dc_servers_save(&none);
		T_EQ_INT(read_state_file(&cfg, buf, sizeof buf), 0, "cert-cache none: no state file");
	}

	/* a hostile file in the directory costs nothing but speed */
	{
		char hostile[256];
		int k = snprintf(hostile, sizeof hostile,
				 "nss-dnscrypt servers 1\n%s 32 1 99999999999 0 99999999999\n",
				 ID_A);
		uint8_t ida[16];
		for (int i = 0; i < 16; i++)
			ida[i] = (uint8_t)i;
		dc_cachefile_write(&cfg, 0, DC_STATE_FILE, (const uint8_t *)hostile, (size_t)k);
		dc_servers_load(&cfg, 1);
		dc_servers_get(ida, &h);
		T_OK(h.skip_until <= time(NULL) + DC_SKIP_MAX && h.updated <= time(NULL),
		     "a planted record skips its server for %d s at most", DC_SKIP_MAX);
	}
}

/* A dead server refuses each socket a lookup opens to it (t50: a UDP
 * try, its retry, then TCP): that is one failure, skipped 60 s, not three
 * (240 s).  The next lookup's failure doubles it. */
static void test_lookup_failures(void)
{
	struct dc_ctx *c = calloc(1, sizeof(*c));
	struct dc_health h;
	time_t now = time(NULL);

	if (c == NULL) {
		T_OK(0, "calloc");
		return;
	}
	c->cfg.nservers = 2;
	c->choice = 1;
	randombytes_buf(c->hid[0][0], DC_HEALTH_ID_LEN);
	randombytes_buf(c->hid[1][0], DC_HEALTH_ID_LEN);
	c->lookup_seq = 1;
	for (int k = 0; k < 3; k++)
		dc_ctx_hook_silence(c, 1);
	dc_ctx_note_failure(c, 1);
	dc_servers_get(c->hid[1][0], &h);
	T_OK(h.fails == 1 && h.skip_until >= now + DC_SKIP_MIN &&
	     h.skip_until <= now + DC_SKIP_MIN + 2,
	     "three refused sockets and a failed fetch in one lookup: one failure, "
	     "skipped %d s (fails %u, skip %lld s)", DC_SKIP_MIN, (unsigned)h.fails,
	     (long long)(h.skip_until - now));
	T_OK(c->save_wanted, "... to be saved");
	dc_servers_get(c->hid[0][0], &h);
	T_OK(h.fails == 0, "... the other server's record untouched");
	c->lookup_seq = 2;
	dc_ctx_hook_silence(c, 1);
	dc_ctx_hook_silence(c, 1);
	dc_servers_get(c->hid[1][0], &h);
	T_OK(h.fails == 2 && h.skip_until >= now + 2 * DC_SKIP_MIN,
	     "a failure in the next lookup: two, skip doubled");
	c->choice = 0;
	c->lookup_seq = 3;
	dc_ctx_hook_silence(c, 0);
	dc_servers_get(c->hid[0][0], &h);
	T_OK(h.fails == 0, "nothing to choose (one server, one route): nothing recorded");
	free(c);
}

static void cleanup(void)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
}

int main(void)
{
	if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 1;
	}
	test_parse();
	test_format();
	test_rank();
	test_ids();
	test_bookkeeping();
	test_lookup_failures();
	cleanup();
	T_DONE();
}
