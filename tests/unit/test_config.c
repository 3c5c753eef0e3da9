/* SPDX-License-Identifier: ISC */
/* test_config.c - the configuration file, its errors, the environment
 * overrides and the ownership check of the default path. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "t.h"
#include "dc_config.h"

static char stamp4[256], stamp6[256], relay[256], doh[256];
static char relay2[256], relay6[256], bare[256], dnssec_only[256];
static char tmpdir[] = "/tmp/dc_test_config.XXXXXX";

static void encode(const uint8_t *bin, size_t n, char *out, size_t outlen)
{
	memcpy(out, "sdns://", 7);
	sodium_bin2base64(out + 7, outlen - 7, bin, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void make_dnscrypt_props(char *out, size_t outlen, const char *addr,
			       const char *name, uint8_t props)
{
	uint8_t b[512];
	size_t n = 0, i;

	b[n++] = 0x01;
	b[n++] = props;
	memset(b + n, 0, 7);
	n += 7;
	b[n++] = (uint8_t)strlen(addr);
	memcpy(b + n, addr, strlen(addr));
	n += strlen(addr);
	b[n++] = 32;
	for (i = 0; i < 32; i++)
		b[n++] = (uint8_t)(i + 1);
	b[n++] = (uint8_t)strlen(name);
	memcpy(b + n, name, strlen(name));
	n += strlen(name);
	encode(b, n, out, outlen);
}

static void make_dnscrypt(char *out, size_t outlen, const char *addr, const char *name)
{
	make_dnscrypt_props(out, outlen, addr, name, 0x07);
}

static void make_relay(char *out, size_t outlen, const char *addr)
{
	uint8_t b[64];

	b[0] = 0x81;
	b[1] = (uint8_t)strlen(addr);
	memcpy(b + 2, addr, strlen(addr));
	encode(b, 2 + strlen(addr), out, outlen);
}

static void make_stamps(void)
{
	uint8_t b[64];

	make_dnscrypt(stamp4, sizeof stamp4, "192.0.2.1:5353", "2.dnscrypt-cert.four");
	make_dnscrypt(stamp6, sizeof stamp6, "[2001:db8::53]", "2.dnscrypt-cert.six");
	b[0] = 0x81;
	b[1] = 9;
	memcpy(b + 2, "192.0.2.9", 9);
	encode(b, 11, relay, sizeof relay);
	b[0] = 0x02;
	memset(b + 1, 0, 8);
	b[9] = 7;
	memcpy(b + 10, "9.9.9.9", 7);
	encode(b, 17, doh, sizeof doh);
	make_relay(relay2, sizeof relay2, "198.51.100.7:8443");
	make_relay(relay6, sizeof relay6, "[2001:db8::7]");
	make_dnscrypt_props(bare, sizeof bare, "192.0.2.2", "2.dnscrypt-cert.bare", 0x00);
	make_dnscrypt_props(dnssec_only, sizeof dnssec_only, "192.0.2.3",
			    "2.dnscrypt-cert.dnssec", 0x01);
}

static int is_default(const struct dc_config *c)
{
	return c->nservers == 0 && c->timeout_ms == 500 && c->attempts == 4 &&
	       c->total_timeout_ms == 8000 && c->ndots == -1 && c->nsearch == -1 &&
	       c->udp_size == 512 && c->udp_max == 1252 && c->cache == 1 &&
	       strcmp(c->cert_cache_dir, "/var/cache/nss-dnscrypt") == 0 &&
	       c->dnssec == DC_DNSSEC_NO &&
	       strcmp(c->trust_anchor, "/usr/share/dns/root.key") == 0;
}

static void test_defaults(void)
{
	struct dc_config c;
	char err[256];

	memset(&c, 0x5a, sizeof c);
	dc_config_init(&c);
	T_OK(is_default(&c), "dc_config_init sets the documented defaults");
	T_EQ_INT(dc_config_parse("", 0, "t.conf", &c, err, sizeof err), DC_OK, "empty file parses");
	T_OK(is_default(&c), "empty file: defaults, no server");
	T_EQ_INT(dc_config_parse(NULL, 0, "t.conf", &c, err, sizeof err), DC_OK, "NULL, 0 parses");
	{
		const char *t = "# only comments\n\n   \t\n#server x\n  # indented\n";
		T_EQ_INT(dc_config_parse(t, strlen(t), "t.conf", &c, err, sizeof err), DC_OK,
			 "comments and blank lines only");
		T_OK(is_default(&c), "comments only: defaults");
	}
}

static void test_full(void)
{
	struct dc_config c;
	char text[2048], err[256];
	dc_status rc;

	snprintf(text, sizeof text,
		 "# every option\n"
		 "server %s\n"
		 "\tserver\t%s   # second one, IPv6\r\n"
		 "timeout 750\n"
		 "attempts 2\n"
		 "total-timeout 3000\n"
		 "ndots 2\n"
		 "search example.org corp.example.com.\n"
		 "udp-size 1024\n"
		 "udp-max 4096\n"
		 "cache no\n"
		 "cert-cache /run/dc-cache#1\n"
		 "\n", stamp4, stamp6);
	rc = dc_config_parse(text, strlen(text), "full.conf", &c, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "full config parses");
	if (rc != DC_OK)
		printf("#   %s\n", err);
	T_EQ_INT(c.nservers, 2, "two servers");
	T_OK(c.servers[0].addr.sa.sa_family == AF_INET &&
	     ntohs(c.servers[0].addr.sin.sin_port) == 5353 &&
	     strcmp(c.servers[0].provider_name, "2.dnscrypt-cert.four") == 0,
	     "first server: IPv4, port 5353, its provider name");
	T_OK(c.servers[1].addr.sa.sa_family == AF_INET6 &&
	     ntohs(c.servers[1].addr.sin6.sin6_port) == 443 &&
	     strcmp(c.servers[1].provider_name, "2.dnscrypt-cert.six") == 0,
	     "second server: IPv6, port 443, its provider name");
	T_OK(c.servers[0].props == 7, "server props kept");
	T_EQ_INT(c.timeout_ms, 750, "timeout");
	T_EQ_INT(c.attempts, 2, "attempts");
	T_EQ_INT(c.total_timeout_ms, 3000, "total-timeout");
	T_EQ_INT(c.ndots, 2, "ndots");
	T_EQ_INT(c.nsearch, 2, "two search domains");
	T_OK(strcmp(c.search[0], "example.org") == 0, "search[0]");
	T_OK(strcmp(c.search[1], "corp.example.com") == 0, "search[1], trailing dot dropped");
	T_EQ_INT(c.udp_size, 1024, "udp-size");
	T_EQ_INT(c.udp_max, 4096, "udp-max");
	T_EQ_INT(c.cache, 0, "cache no");
	T_OK(strcmp(c.cert_cache_dir, "/run/dc-cache#1") == 0, "cert-cache, '#' inside a word kept");

	snprintf(text, sizeof text, "search none\ncert-cache none\ncache yes\n"
		 "timeout 50\nattempts 10\ntotal-timeout 60000\nndots 0\n"
		 "udp-size 4096\nudp-max 4096");
	rc = dc_config_parse(text, strlen(text), "b.conf", &c, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "boundary values, no final newline");
	T_OK(c.nsearch == 0 && c.cert_cache_dir[0] == '\0' && c.cache == 1,
	     "search none, cert-cache none, cache yes");
	T_OK(c.timeout_ms == 50 && c.attempts == 10 && c.total_timeout_ms == 60000 &&
	     c.ndots == 0 && c.udp_size == 4096 && c.udp_max == 4096, "boundary values kept");

	snprintf(text, sizeof text, "search a b c d e f\n");
	rc = dc_config_parse(text, strlen(text), "s.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nsearch == 6 && strcmp(c.search[5], "f") == 0,
	     "six search domains");

	{
		char big[DC_MAX_SERVERS * 300];
		size_t off = 0;
		int i;
		for (i = 0; i < DC_MAX_SERVERS; i++)
			off += (size_t)snprintf(big + off, sizeof big - off, "server %s\n", stamp4);
		rc = dc_config_parse(big, off, "m.conf", &c, err, sizeof err);
		T_OK(rc == DC_OK && c.nservers == DC_MAX_SERVERS, "%d servers accepted", DC_MAX_SERVERS);
		snprintf(big + off, sizeof big - off, "server %s\n", stamp6);
		rc = dc_config_parse(big, strlen(big), "m.conf", &c, err, sizeof err);
		T_OK(rc == DC_ECONFBAD && strstr(err, "m.conf:17: too many servers (at most 16)"),
		     "a 17th server is refused (%s)", err);
	}
}

/* Parse text; it must fail with an error starting with want. */
static void bad(const char *text, size_t len, const char *want)
{
	struct dc_config c;
	char err[512];
	dc_status rc;

	memset(err, 0, sizeof err);
	rc = dc_config_parse(text, len, "t.conf", &c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strncmp(err, want, strlen(want)) == 0 &&
	     strchr(err, '\n') == NULL && is_default(&c), "error: %s", want);
	if (rc != DC_ECONFBAD || strncmp(err, want, strlen(want)) != 0)
		printf("#   got rc %d, \"%s\"\n", rc, err);
}

static void bads(const char *text, const char *want)
{
	bad(text, strlen(text), want);
}

/* dnssec and trust-anchor (issue 15). */
static void test_dnssec(void)
{
	struct dc_config c;
	char err[512];
	const char *t = "dnssec validate\ntrust-anchor /etc/lab/root.key\n";

	T_EQ_INT(dc_config_parse(t, strlen(t), "t.conf", &c, err, sizeof err), DC_OK,
		 "dnssec validate + trust-anchor parse (%s)", err);
	T_OK(c.dnssec == DC_DNSSEC_VALIDATE && strcmp(c.trust_anchor, "/etc/lab/root.key") == 0,
	     "dnssec validate, the anchor path kept");
	t = "dnssec no\n";
	T_OK(dc_config_parse(t, strlen(t), "t.conf", &c, err, sizeof err) == DC_OK &&
	     c.dnssec == DC_DNSSEC_NO, "dnssec no");
	t = "dnssec validate\n";
	T_OK(dc_config_parse(t, strlen(t), "t.conf", &c, err, sizeof err) == DC_OK &&
	     strcmp(c.trust_anchor, "/usr/share/dns/root.key") == 0,
	     "validate without trust-anchor: the dns-root-data key");
	bads("dnssec yes\n", "t.conf:1: dnssec must be 'no' or 'validate', got 'yes'");
	bads("dnssec ad\n", "t.conf:1: dnssec must be 'no' or 'validate', got 'ad'");
	bads("dnssec\n", "t.conf:1: dnssec needs a value");
	bads("dnssec no validate\n", "t.conf:1: dnssec takes one value, got 2");
	bads("dnssec no\ndnssec validate\n", "t.conf:2: dnssec given twice (first on line 1)");
	bads("trust-anchor root.key\n",
	     "t.conf:1: trust-anchor must be an absolute path, got 'root.key'");
	bads("trust-anchor\n", "t.conf:1: trust-anchor needs a value");
	{
		char text[400];
		memset(text, 0, sizeof text);
		memcpy(text, "trust-anchor /", 14);
		memset(text + 14, 'a', 300);
		text[314] = '\n';
		bads(text, "t.conf:1: trust-anchor path is longer than 255 bytes");
	}
}

static void test_errors(void)
{
	char text[1024];

	bads("timeout 600\nsever 1.2.3.4\n", "t.conf:2: unknown keyword 'sever'");
	bads("Timeout 600\n", "t.conf:1: unknown keyword 'Timeout'");
	bads("server\n", "t.conf:1: server needs a value");
	bads("timeout\n", "t.conf:1: timeout needs a value");
	bads("timeout 500 600\n", "t.conf:1: timeout takes one value, got 2");
	bads("timeout 49\n", "t.conf:1: timeout must be 50..30000 milliseconds, got '49'");
	bads("timeout 30001\n", "t.conf:1: timeout must be 50..30000 milliseconds, got '30001'");
	bads("timeout abc\n", "t.conf:1: timeout must be 50..30000 milliseconds, got 'abc'");
	bads("timeout -5\n", "t.conf:1: timeout must be 50..30000");
	bads("timeout +500\n", "t.conf:1: timeout must be 50..30000");
	bads("timeout 5e2\n", "t.conf:1: timeout must be 50..30000");
	bads("timeout 99999999999999999999\n", "t.conf:1: timeout must be 50..30000");
	bads("attempts 0\n", "t.conf:1: attempts must be 1..10, got '0'");
	bads("attempts 11\n", "t.conf:1: attempts must be 1..10, got '11'");
	bads("total-timeout 99\n", "t.conf:1: total-timeout must be 100..60000 milliseconds");
	bads("total-timeout 60001\n", "t.conf:1: total-timeout must be 100..60000 milliseconds");
	bads("ndots 16\n", "t.conf:1: ndots must be 0..15, got '16'");
	bads("ndots -1\n", "t.conf:1: ndots must be 0..15, got '-1'");
	bads("udp-size 255\n", "t.conf:1: udp-size must be 256..4096 bytes, got '255'");
	bads("udp-size 4097\n", "t.conf:1: udp-size must be 256..4096 bytes");
	bads("udp-max 4097\n", "t.conf:1: udp-max must be 256..4096 bytes");
	bads("\nudp-size 2048\n", "t.conf:2: udp-max (1252) is smaller than udp-size (2048)");
	bads("udp-max 300\n#\n", "t.conf:1: udp-max (300) is smaller than udp-size (512)");
	bads("udp-size 1024\nudp-max 512\n", "t.conf:2: udp-max (512) is smaller than udp-size (1024)");
	bads("cache maybe\n", "t.conf:1: cache must be 'yes' or 'no', got 'maybe'");
	bads("cache\n", "t.conf:1: cache needs a value");
	bads("cert-cache var/cache\n", "t.conf:1: cert-cache must be an absolute path or 'none'");
	bads("search\n", "t.conf:1: search needs at least one domain (or 'none')");
	bads("search none example.org\n", "t.conf:1: 'search none' takes no domain");
	bads("search a b c d e f g\n", "t.conf:1: too many search domains (at most 6)");
	bads("search a..b\n", "t.conf:1: 'a..b' is not a valid search domain");
	bads("search .\n", "t.conf:1: '.' is not a valid search domain");
	bads("search .example\n", "t.conf:1: '.example' is not a valid search domain");
	bads("search ex*ample\n", "t.conf:1: 'ex*ample' is not a valid search domain");
	bads("search aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org\n",
	     "t.conf:1: 'aaaa");
	bads("timeout 500\nattempts 2\ntimeout 600\n", "t.conf:3: timeout given twice (first on line 1)");
	bads("search a\nsearch b\n", "t.conf:2: search given twice (first on line 1)");
	bads("a b c d e f g h i j k l m n o p q\n", "t.conf:1: more than 16 words on the line");
	bads("timeout 500\x01\n", "t.conf:1: control character 0x01 in the line");
	bads("timeout 500\rx\n", "t.conf:1: control character 0x0d in the line");
	bad("timeout 500\n#\0x\n", 15, "t.conf:2: NUL byte in the line");
	bads("sever\x1b[31m\n", "t.conf:1: control character 0x1b");
	bads("caché yes\n", "t.conf:1: unknown keyword 'cach?" "?'");

	snprintf(text, sizeof text, "\nserver %s\n", relay);
	bads(text, "t.conf:2: a relay stamp (0x81) cannot be used as a server");
	snprintf(text, sizeof text, "server %s\n", doh);
	bads(text, "t.conf:1: stamp: DNS-over-HTTPS stamp (0x02) is not DNSCrypt");
	snprintf(text, sizeof text, "server %s=\n", stamp4);
	bads(text, "t.conf:1: stamp: '=' padding is not allowed");
	bads("server 192.0.2.1\n", "t.conf:1: stamp: does not start with \"sdns://\"");
	snprintf(text, sizeof text, "server %s %s\n", stamp4, stamp6);
	bads(text, "t.conf:1: 'sdns://");
	snprintf(text, sizeof text, "server a %s %s\n", stamp4, stamp6);
	bads(text, "t.conf:1: server takes [NAME] STAMP, got 3 values");

	{
		static char big[DC_CONFIG_MAX_SIZE + 2];
		char line[DC_CONFIG_LINE_MAX + 3];
		struct dc_config c;
		char err[256];

		memset(line, ' ', sizeof line);
		line[0] = '#';
		line[DC_CONFIG_LINE_MAX] = '\n';
		T_EQ_INT(dc_config_parse(line, DC_CONFIG_LINE_MAX + 1, "t.conf", &c, err, sizeof err),
			 DC_OK, "a line of exactly %d bytes is fine", DC_CONFIG_LINE_MAX);
		line[DC_CONFIG_LINE_MAX] = ' ';
		line[DC_CONFIG_LINE_MAX + 1] = '\n';
		memmove(line + 1, line, DC_CONFIG_LINE_MAX + 2);
		line[0] = '\n';
		bad(line, DC_CONFIG_LINE_MAX + 3, "t.conf:2: line is longer than 1023 bytes");

		memset(big, '\n', sizeof big);
		T_EQ_INT(dc_config_parse(big, DC_CONFIG_MAX_SIZE, "t.conf", &c, err, sizeof err),
			 DC_OK, "a file of exactly 64 KiB is fine");
		bad(big, DC_CONFIG_MAX_SIZE + 1, "t.conf: file is larger than 64 KiB");
	}
}

/* Named servers, relays, routes, filters and the other issue-7 options. */
static void test_routes(void)
{
	struct dc_config c;
	char text[4096], err[512];
	dc_status rc;

	snprintf(text, sizeof text,
		 "server one %s\n"
		 "server %s\n"                       /* unnamed, still valid */
		 "server six %s\n"
		 "relay r1 %s\n"
		 "relay r2 %s\n"
		 "relay %s\n"                        /* unnamed relay */
		 "route six r2 r1\n"
		 "route * *\n"
		 "direct-cert-fallback yes\n"
		 "ephemeral-keys yes\n"
		 "key-cache yes\n", stamp4, bare, stamp6, relay, relay2, relay6);
	rc = dc_config_parse(text, strlen(text), "r.conf", &c, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "servers, relays and routes parse (%s)", err);
	T_EQ_INT(c.nservers, 3, "three servers");
	T_OK(strcmp(c.server_name[0], "one") == 0 && c.server_name[1][0] == '\0' &&
	     strcmp(c.server_name[2], "six") == 0, "names kept, the unnamed one empty");
	T_EQ_INT(c.nrelays, 3, "three relays");
	T_OK(c.relays[0].kind == DC_STAMP_RELAY && ntohs(c.relays[1].addr.sin.sin_port) == 8443 &&
	     c.relays[2].addr.sa.sa_family == AF_INET6 &&
	     ntohs(c.relays[2].addr.sin6.sin6_port) == 443,
	     "relay stamps: kinds, ports (8443 given, 443 by default), IPv6");
	T_OK(strcmp(c.relay_name[0], "r1") == 0 && c.relay_name[2][0] == '\0', "relay names");
	T_OK(c.nvia[2] == 2 && c.via[2][0] == 1 && c.via[2][1] == 0,
	     "route six r2 r1: through r2, then r1");
	T_OK(c.nvia[0] == 3 && c.via[0][0] == 0 && c.via[0][2] == 2 && c.nvia[1] == 3,
	     "route * *: the other servers through every relay");
	T_OK(c.nvia_default == 3, "the '*' route is kept for NSS_DNSCRYPT_SERVER");
	T_OK(c.direct_cert_fallback == 1 && c.ephemeral_keys == 1 && c.key_cache == 1,
	     "direct-cert-fallback, ephemeral-keys and key-cache");

	snprintf(text, sizeof text, "server %s\nserver x %s\n", stamp4, stamp6);
	rc = dc_config_parse(text, strlen(text), "r.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nvia[0] == 0 && c.nvia[1] == 0 && c.nrelays == 0 &&
	     c.direct_cert_fallback == 0 && c.ephemeral_keys == 0 && c.require_nolog == 0 &&
	     c.key_cache == 0,
	     "no relay: every server direct; the new options off by default");

	/* require-* */
	snprintf(text, sizeof text,
		 "server a %s\nserver b %s\nserver c %s\nrelay r %s\nroute c r\n"
		 "require-dnssec yes\nrequire-nolog yes\n", bare, dnssec_only, stamp4, relay);
	rc = dc_config_parse(text, strlen(text), "f.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && strcmp(c.server_name[0], "c") == 0 &&
	     c.nvia[0] == 1 && c.via[0][0] == 0,
	     "require-dnssec + require-nolog keep only the server with both, its route too (%s)",
	     err);
	snprintf(text, sizeof text, "server a %s\nserver b %s\nrequire-dnssec yes\n",
		 bare, dnssec_only);
	rc = dc_config_parse(text, strlen(text), "f.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && strcmp(c.server_name[0], "b") == 0,
	     "require-dnssec alone keeps the DNSSEC one");
	T_EQ_INT(dc_config_required_props(&c), DC_PROP_DNSSEC, "required props");
	snprintf(text, sizeof text, "server %s\nrequire-nofilter no\n", bare);
	rc = dc_config_parse(text, strlen(text), "f.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1, "require-nofilter no drops nothing");
	snprintf(text, sizeof text, "require-nolog yes\n");
	rc = dc_config_parse(text, strlen(text), "f.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 0, "filters without servers: not an error here");

	snprintf(text, sizeof text, "server %s\nserver %s\n\nrequire-nofilter yes\n",
		 bare, dnssec_only);
	bads(text, "t.conf:4: none of the 2 server(s) has the properties the require-* "
	     "options ask for ( nofilter)");
	bads("require-dnssec maybe\n", "t.conf:1: require-dnssec must be 'yes' or 'no', got 'maybe'");
	bads("ephemeral-keys\n", "t.conf:1: ephemeral-keys needs a value");
	bads("key-cache maybe\n", "t.conf:1: key-cache must be 'yes' or 'no', got 'maybe'");
	bads("direct-cert-fallback yes\ndirect-cert-fallback no\n",
	     "t.conf:2: direct-cert-fallback given twice (first on line 1)");

	/* names */
	snprintf(text, sizeof text, "server a %s\nserver a %s\n", stamp4, stamp6);
	bads(text, "t.conf:2: a server named 'a' was given before");
	snprintf(text, sizeof text, "server -a %s\n", stamp4);
	bads(text, "t.conf:1: '-a' is not a valid server name");
	snprintf(text, sizeof text, "server * %s\n", stamp4);
	bads(text, "t.conf:1: '*' is not a valid server name");
	snprintf(text, sizeof text, "server aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa %s\n", stamp4);
	bads(text, "t.conf:1: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a valid server name");
	snprintf(text, sizeof text, "server a.b_c-9 %s\n", stamp4);
	rc = dc_config_parse(text, strlen(text), "t.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && strcmp(c.server_name[0], "a.b_c-9") == 0, "'.', '_' and '-' in names");
	snprintf(text, sizeof text, "server %s a\n", stamp4);
	bads(text, "t.conf:1: 'sdns://");                 /* NAME STAMP, not STAMP NAME */

	/* relays */
	snprintf(text, sizeof text, "relay r %s\n", stamp4);
	bads(text, "t.conf:1: a DNSCrypt server stamp (0x01) cannot be used as a relay");
	snprintf(text, sizeof text, "relay r %s\nrelay r %s\nroute * r\n", relay, relay2);
	bads(text, "t.conf:2: a relay named 'r' was given before");
	snprintf(text, sizeof text, "server %s\nrelay r %s\n", stamp4, relay);
	bads(text, "t.conf:2: relay 'r' is used by no route (add e.g. 'route * r')");
	snprintf(text, sizeof text, "server %s\nrelay %s\n", stamp4, relay);
	bads(text, "t.conf:2: this relay is used by no route (add 'route * *'");
	snprintf(text, sizeof text, "server %s\nrelay r1 %s\nrelay r2 %s\nroute * r1\n",
		 stamp4, relay, relay2);
	bads(text, "t.conf:3: relay 'r2' is used by no route");
	bads("relay\n", "t.conf:1: relay needs a value");
	{
		size_t off = 0;
		for (int i = 0; i <= DC_MAX_RELAYS; i++)
			off += (size_t)snprintf(text + off, sizeof text - off, "relay %s\n", relay);
		bads(text, "t.conf:17: too many relays (at most 16)");
	}

	/* routes */
	snprintf(text, sizeof text, "server a %s\nrelay r %s\nroute b r\n", stamp4, relay);
	bads(text, "t.conf:3: route: no server named 'b'");
	snprintf(text, sizeof text, "server a %s\nrelay r %s\nroute a r q\n", stamp4, relay);
	bads(text, "t.conf:3: route: no relay named 'q'");
	snprintf(text, sizeof text, "server a %s\nroute a *\n", stamp4);
	bads(text, "t.conf:2: route: no relay is defined");
	snprintf(text, sizeof text, "server a %s\nrelay r %s\nroute a r\nroute a r\n",
		 stamp4, relay);
	bads(text, "t.conf:4: a route for 'a' was given on line 3");
	bads("route a\n", "t.conf:1: route takes a server name (or '*') and at least one relay");
	bads("route a r r\n", "t.conf:1: relay 'r' named twice in the route");
	bads("route a r *\n", "t.conf:1: '*' stands for every relay: name no other");
	bads("route a b/c\n", "t.conf:1: 'b/c' is not a valid relay name");
	/* a route given before the server and relay it names */
	snprintf(text, sizeof text, "route late r\nserver late %s\nrelay r %s\n", stamp4, relay);
	rc = dc_config_parse(text, strlen(text), "t.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nvia[0] == 1, "a route may come before what it names");
	/* a server filtered out may still be named by a route */
	snprintf(text, sizeof text, "server a %s\nserver b %s\nrelay r %s\nroute a r\n"
		 "route b r\nrequire-nolog yes\n", bare, stamp4, relay);
	rc = dc_config_parse(text, strlen(text), "t.conf", &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && strcmp(c.server_name[0], "b") == 0 &&
	     c.nvia[0] == 1, "a route naming a server the filters drop is fine (%s)", err);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		printf("# cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static void test_load(void)
{
	struct dc_config c;
	char path[256], text[512], err[512], want[512];
	dc_status rc;

	snprintf(path, sizeof path, "%s/a.conf", tmpdir);
	snprintf(text, sizeof text, "server %s\ntimeout 900\n", stamp4);
	write_file(path, text, 0644);
	rc = dc_config_load(path, &c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && c.timeout_ms == 900 && c.attempts == 4,
	     "dc_config_load reads a file");

	snprintf(text, sizeof text, "timeout 900\nbogus\n");
	write_file(path, text, 0644);
	rc = dc_config_load(path, &c, err, sizeof err);
	snprintf(want, sizeof want, "%s:2: unknown keyword 'bogus'", path);
	T_OK(rc == DC_ECONFBAD && strcmp(err, want) == 0,
	     "a file that does not parse: DC_ECONFBAD, names the path: %s", err);

	snprintf(path, sizeof path, "%s/missing.conf", tmpdir);
	rc = dc_config_load(path, &c, err, sizeof err);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0, "missing file: %s", err);

	rc = dc_config_load(tmpdir, &c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strstr(err, "not a regular file") != NULL,
	     "a directory is refused (DC_ECONFBAD): %s", err);

	{
		char *big = malloc(DC_CONFIG_MAX_SIZE + 2);
		memset(big, '\n', DC_CONFIG_MAX_SIZE + 1);
		big[DC_CONFIG_MAX_SIZE + 1] = '\0';
		snprintf(path, sizeof path, "%s/big.conf", tmpdir);
		write_file(path, big, 0644);
		rc = dc_config_load(path, &c, err, sizeof err);
		T_OK(rc == DC_ECONFBAD && strstr(err, "larger than 64 KiB") != NULL,
		     "a file over 64 KiB is refused (DC_ECONFBAD): %s", err);
		big[DC_CONFIG_MAX_SIZE] = '\0';
		write_file(path, big, 0644);
		rc = dc_config_load(path, &c, err, sizeof err);
		T_EQ_INT(rc, DC_OK, "a file of exactly 64 KiB is read");
		free(big);
	}
	T_EQ_INT(dc_config_load(NULL, &c, err, sizeof err), DC_ECONFIG, "NULL path refused");
}

/* A program's override of "dnssec" (dnscrypt-resolve --dnssec,
 * --no-dnssec): the file's other settings and its trust-anchor stay. */
static void test_force_dnssec(void)
{
	struct dc_config c;
	char path[256], text[1024], err[512];

	snprintf(path, sizeof path, "%s/force.conf", tmpdir);
	snprintf(text, sizeof text, "server %s\ndnssec no\ntrust-anchor /etc/lab/root.key\n"
		 "attempts 3\n", stamp4);
	write_file(path, text, 0644);
	setenv("NSS_DNSCRYPT_CONF", path, 1);
	unsetenv("NSS_DNSCRYPT_SERVER");
	T_OK(dc_config_load_default(&c, err, sizeof err) == DC_OK && c.dnssec == DC_DNSSEC_NO,
	     "no override: the file's dnssec no (%s)", err);
	dc_config_force_dnssec(DC_DNSSEC_VALIDATE);
	T_OK(dc_config_load_default(&c, err, sizeof err) == DC_OK &&
	     c.dnssec == DC_DNSSEC_VALIDATE && strcmp(c.trust_anchor, "/etc/lab/root.key") == 0 &&
	     c.attempts == 3 && c.nservers == 1,
	     "forced validate: dnssec validate, the file's trust-anchor and the rest kept (%s)",
	     err);
	snprintf(text, sizeof text, "server %s\ndnssec validate\n", stamp4);
	write_file(path, text, 0644);
	dc_config_force_dnssec(DC_DNSSEC_NO);
	T_OK(dc_config_load_default(&c, err, sizeof err) == DC_OK && c.dnssec == DC_DNSSEC_NO,
	     "forced no on a validating file: dnssec no (%s)", err);
	write_file(path, "dnssec no\n", 0644);
	setenv("NSS_DNSCRYPT_SERVER", stamp4, 1);
	dc_config_force_dnssec(DC_DNSSEC_VALIDATE);
	T_OK(dc_config_load_default(&c, err, sizeof err) == DC_OK &&
	     c.dnssec == DC_DNSSEC_VALIDATE &&
	     strcmp(c.trust_anchor, "/usr/share/dns/root.key") == 0,
	     "forced validate with NSS_DNSCRYPT_SERVER and no trust-anchor line: the default anchor");
	unsetenv("NSS_DNSCRYPT_SERVER");
	write_file(path, "timeout 7\n", 0644);
	T_EQ_INT(dc_config_load_default(&c, err, sizeof err), DC_ECONFBAD,
		 "a broken file is still an error when forced");
	dc_config_force_dnssec(-1);
	snprintf(text, sizeof text, "server %s\ndnssec validate\n", stamp4);
	write_file(path, text, 0644);
	T_OK(dc_config_load_default(&c, err, sizeof err) == DC_OK &&
	     c.dnssec == DC_DNSSEC_VALIDATE, "override off again: the file's (%s)", err);
	unsetenv("NSS_DNSCRYPT_CONF");
	unlink(path);
}

static void test_env(void)
{
	struct dc_config c;
	char path[256], missing[256], text[1024], err[512], want[512];
	dc_status rc;

	snprintf(path, sizeof path, "%s/env.conf", tmpdir);
	snprintf(missing, sizeof missing, "%s/nothere.conf", tmpdir);
	snprintf(text, sizeof text, "server %s\nserver %s\nattempts 7\n", stamp4, stamp6);
	/* writable by all: the ownership rule is for the default path only */
	write_file(path, text, 0666);
	setenv("NSS_DNSCRYPT_CONF", path, 1);
	unsetenv("NSS_DNSCRYPT_SERVER");
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 2 && c.attempts == 7,
	     "NSS_DNSCRYPT_CONF names the file (%s)", err);

	setenv("NSS_DNSCRYPT_SERVER", stamp6, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && c.attempts == 7 &&
	     strcmp(c.servers[0].provider_name, "2.dnscrypt-cert.six") == 0,
	     "NSS_DNSCRYPT_SERVER replaces the file's servers, other settings stay");

	setenv("NSS_DNSCRYPT_CONF", missing, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && c.attempts == 4 && c.timeout_ms == 500,
	     "missing file + NSS_DNSCRYPT_SERVER: defaults and that server (%s)", err);

	snprintf(text, sizeof text, "server a %s\nrelay r %s\nrelay q %s\nroute a q\n"
		 "route * r\nrequire-dnssec yes\n", stamp4, relay, relay2);
	write_file(path, text, 0644);
	setenv("NSS_DNSCRYPT_CONF", path, 1);
	setenv("NSS_DNSCRYPT_SERVER", stamp6, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1 && c.nvia[0] == 1 && c.via[0][0] == 0 &&
	     c.server_name[0][0] == '\0',
	     "NSS_DNSCRYPT_SERVER takes the 'route *' relays, not a named route (%s)", err);
	setenv("NSS_DNSCRYPT_SERVER", bare, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strcmp(err, "NSS_DNSCRYPT_SERVER: the server lacks a property "
					"the require-* options ask for") == 0,
	     "NSS_DNSCRYPT_SERVER must pass require-*: %s", err);
	setenv("NSS_DNSCRYPT_CONF", missing, 1);

	setenv("NSS_DNSCRYPT_SERVER", relay, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD &&
	     strcmp(err, "NSS_DNSCRYPT_SERVER: a relay stamp (0x81) cannot be used as a server") == 0,
	     "relay stamp in NSS_DNSCRYPT_SERVER refused: %s", err);
	setenv("NSS_DNSCRYPT_SERVER", "sdns://AQ", 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strncmp(err, "NSS_DNSCRYPT_SERVER: stamp: ", 28) == 0,
	     "malformed NSS_DNSCRYPT_SERVER refused (DC_ECONFBAD, not 'not configured'): %s",
	     err);

	unsetenv("NSS_DNSCRYPT_SERVER");
	rc = dc_config_load_default(&c, err, sizeof err);
	snprintf(want, sizeof want, "no configuration: %s: No such file or directory", missing);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0, "missing file, no server: %s", err);

	setenv("NSS_DNSCRYPT_SERVER", "", 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0, "empty NSS_DNSCRYPT_SERVER is unset");
	unsetenv("NSS_DNSCRYPT_SERVER");

	write_file(path, "timeout 700\n", 0644);
	setenv("NSS_DNSCRYPT_CONF", path, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	snprintf(want, sizeof want, "no server configured in %s", path);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0, "no server line: %s", err);
	write_file(path, "", 0644);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0,
	     "an empty file: not configured (DC_ECONFIG): %s", err);
	write_file(path, "# only\n\n   # comments\n", 0644);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFIG && strcmp(err, want) == 0,
	     "comments only: not configured (DC_ECONFIG): %s", err);
	write_file(path, "# no server, but\nbogus\n", 0644);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strstr(err, ":2: unknown keyword 'bogus'") != NULL,
	     "no server and an unknown keyword: DC_ECONFBAD, not 'not configured': %s", err);

	write_file(path, "timeout 7\n", 0644);
	setenv("NSS_DNSCRYPT_SERVER", stamp4, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFBAD && strstr(err, ":1: timeout must be") != NULL,
	     "a broken file is an error even with NSS_DNSCRYPT_SERVER: %s", err);
	unsetenv("NSS_DNSCRYPT_SERVER");

	unsetenv("NSS_DNSCRYPT_CONF");
	if (access(DC_CONFIG_DEFAULT_PATH, F_OK) != 0) {
		rc = dc_config_load_default(&c, err, sizeof err);
		T_OK(rc == DC_ECONFIG && strcmp(err, "no configuration: " DC_CONFIG_DEFAULT_PATH
						": No such file or directory") == 0,
		     "no file at the default path: %s", err);
		setenv("NSS_DNSCRYPT_CONF", "", 1);
		rc = dc_config_load_default(&c, err, sizeof err);
		T_OK(rc == DC_ECONFIG && strstr(err, DC_CONFIG_DEFAULT_PATH) != NULL,
		     "empty NSS_DNSCRYPT_CONF means the default path");
		unsetenv("NSS_DNSCRYPT_CONF");
	} else {
		T_OK(1, "# SKIP " DC_CONFIG_DEFAULT_PATH " exists here");
		T_OK(1, "# SKIP " DC_CONFIG_DEFAULT_PATH " exists here");
	}
}

/* In a child that cannot read path (uid 65534 when we are root, else mode
 * 0 on the file): dc_config_load_default's status, with and without a
 * server in the environment. */
static int unreadable_child(const char *path, int with_server)
{
	struct dc_config c;
	char err[512];
	dc_status rc;
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
				       setuid(65534) != 0))
			_exit(100);
		setenv("NSS_DNSCRYPT_CONF", path, 1);
		if (with_server)
			setenv("NSS_DNSCRYPT_SERVER", stamp4, 1);
		else
			unsetenv("NSS_DNSCRYPT_SERVER");
		rc = dc_config_load_default(&c, err, sizeof err);
		if (strstr(err, "exists but cannot be read (Permission denied)") == NULL)
			_exit(101);
		_exit((int)rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Only a missing file is "not configured"; a file that is there but
 * cannot be read fails closed (issue 14, 3). */
static void test_unreadable(void)
{
	struct dc_config c;
	char path[256], loop[256], under[512], err[512], want[600];
	dc_status rc;

	snprintf(path, sizeof path, "%s/secret.conf", tmpdir);
	snprintf(loop, sizeof loop, "%s/loop.conf", tmpdir);
	write_file(path, "server x\n", 0600);
	chmod(tmpdir, 0711);
	if (geteuid() != 0)
		chmod(path, 0);
	T_EQ_INT(unreadable_child(path, 0), DC_ECONFREAD,
		 "a 0600 file another user cannot read: DC_ECONFREAD, says why");
	T_EQ_INT(unreadable_child(path, 1), DC_ECONFREAD,
		 "... also with NSS_DNSCRYPT_SERVER set");
	chmod(tmpdir, 0700);

	/* ELOOP: an error other than ENOENT/ENOTDIR, root or not */
	unlink(loop);
	if (symlink("loop.conf", loop) != 0) {
		T_OK(0, "symlink: %s", strerror(errno));
		return;
	}
	rc = dc_config_load(loop, &c, err, sizeof err);
	snprintf(want, sizeof want, "%s exists but cannot be read (Too many levels of "
		 "symbolic links): name lookups fail until this process can read it; "
		 "they never fall back to plain DNS", loop);
	T_OK(rc == DC_ECONFREAD && strcmp(err, want) == 0, "ELOOP: DC_ECONFREAD: %s", err);
	setenv("NSS_DNSCRYPT_CONF", loop, 1);
	setenv("NSS_DNSCRYPT_SERVER", stamp4, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFREAD && strcmp(err, want) == 0,
	     "unreadable file + NSS_DNSCRYPT_SERVER: still DC_ECONFREAD");

	/* ENOTDIR is a missing file, as ENOENT */
	snprintf(under, sizeof under, "%s/x.conf", path);
	setenv("NSS_DNSCRYPT_CONF", under, 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_OK && c.nservers == 1,
	     "ENOTDIR + NSS_DNSCRYPT_SERVER: that server (%s)", err);
	unsetenv("NSS_DNSCRYPT_SERVER");
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFIG && strncmp(err, "no configuration: ", 18) == 0,
	     "ENOTDIR alone: not configured (%s)", err);
	unsetenv("NSS_DNSCRYPT_CONF");
	unlink(loop);
	unlink(path);
}

static void owner_case(const char *path, mode_t mode, const char *want, const char *what)
{
	char err[512], full[512];
	dc_status rc;
	int fd;

	chmod(path, mode);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = dc_config_check_owner(path, fd, err, sizeof err);
	if (want == NULL) {
		T_EQ_INT(rc, DC_OK, "%s", what);
	} else {
		snprintf(full, sizeof full, "%s %s", path, want);
		T_OK(rc == DC_ECONFBAD && strcmp(err, full) == 0, "%s: %s", what, err);
	}
	close(fd);
}

static void test_owner(void)
{
	char path[256];

	snprintf(path, sizeof path, "%s/owner.conf", tmpdir);
	write_file(path, "# x\n", 0644);
	if (geteuid() == 0) {
		owner_case(path, 0644, NULL, "root-owned 0644 accepted");
		owner_case(path, 0600, NULL, "root-owned 0600 accepted");
		owner_case(path, 0444, NULL, "root-owned 0444 accepted");
	} else {
		owner_case(path, 0644, "is owned by uid", "not owned by root");
		T_OK(1, "# SKIP not root");
		T_OK(1, "# SKIP not root");
	}
	owner_case(path, 0646, "is writable by others; refusing it", "o+w refused");
	owner_case(path, 0666, "is writable by others; refusing it", "a+w refused");
	owner_case(path, 0664, "is writable by its group; refusing it", "g+w refused");
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0)
		owner_case(path, 0644, "is owned by uid 65534, not root; refusing it",
			   "owned by uid 65534 refused");
	else
		T_OK(1, "# SKIP cannot chown");
	T_EQ_INT(dc_config_check_owner(path, -1, NULL, 0), DC_ECONFREAD, "bad fd refused");
	unlink(path);
}

/* The commented default installed to /etc must parse and configure
 * nothing, so that an installed but unconfigured module says so. */
static void test_shipped_conf(void)
{
	struct dc_config c;
	char err[512];
	dc_status rc;

	rc = dc_config_load("nss-dnscrypt.conf", &c, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "the shipped nss-dnscrypt.conf parses (%s)", err);
	T_OK(is_default(&c), "the shipped nss-dnscrypt.conf sets defaults and no server");
	setenv("NSS_DNSCRYPT_CONF", "nss-dnscrypt.conf", 1);
	rc = dc_config_load_default(&c, err, sizeof err);
	T_OK(rc == DC_ECONFIG && strstr(err, "no server configured") != NULL,
	     "the shipped config alone is 'not configured': %s", err);
	unsetenv("NSS_DNSCRYPT_CONF");
}

/* Uncommenting the shipped examples ("#keyword ...") must give a valid
 * configuration; of the two search examples, keep the first. */
static void test_shipped_examples(void)
{
	static char text[DC_CONFIG_MAX_SIZE], out[DC_CONFIG_MAX_SIZE];
	struct dc_config c;
	char err[512];
	size_t n, o = 0;
	int fd, search = 0;
	char *line, *save;
	dc_status rc;

	fd = open("nss-dnscrypt.conf", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? (size_t)read(fd, text, sizeof text - 1) : 0;
	if (fd >= 0)
		close(fd);
	text[n] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '#' || line[1] < 'a' || line[1] > 'z')
			continue;
		if (strncmp(line, "#search", 7) == 0 && search++)
			continue;
		o += (size_t)snprintf(out + o, sizeof out - o, "%s\n", line + 1);
	}
	rc = dc_config_parse(out, o, "examples", &c, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "the shipped examples, uncommented, parse (%s)", err);
	T_OK(c.nservers == 1 && c.timeout_ms == 500 && c.attempts == 4 &&
	     c.total_timeout_ms == 8000 && c.udp_size == 512 && c.udp_max == 1252 &&
	     c.cache == 1 && c.ndots == 1 && c.nsearch == 1,
	     "the shipped examples show the defaults");
}

static void cleanup(void)
{
	static const char *names[] = { "a.conf", "big.conf", "env.conf", "owner.conf" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	make_stamps();
	test_defaults();
	test_full();
	test_errors();
	test_dnssec();
	test_routes();
	test_load();
	test_env();
	test_force_dnssec();
	test_unreadable();
	test_owner();
	test_shipped_conf();
	test_shipped_examples();
	cleanup();
	T_DONE();
}
