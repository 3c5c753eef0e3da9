/* SPDX-License-Identifier: ISC */
/* own_ares.c - a host process with its own c-ares, libsodium and dc_*
 * symbols (node exports hundreds of ares_* functions), all exported and
 * all aborting.  The module links private copies of c-ares and libsodium
 * and keeps everything but its entry points hidden, so resolving through
 * it must never reach these.  Driven by tests/integration/t23_nss_threads.sh,
 * which builds it with -rdynamic (the Makefile's build of it, without,
 * only checks that it compiles) and runs it with "hosts: files dnscrypt".
 *
 *   own_ares        prints PASS/FAIL/DIAG lines
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HOST(name) \
	__attribute__((visibility("default"), noinline, used)) \
	void name(void); \
	void name(void) \
	{ \
		static const char m[] = "own_ares: the module called the host's " #name "\n"; \
		if (write(2, m, sizeof(m) - 1) < 0) \
			_exit(98); \
		abort(); \
	}

/* Everything common/ calls in c-ares and libsodium, and more. */
HOST(ares_library_init) HOST(ares_library_cleanup) HOST(ares_init)
HOST(ares_init_options) HOST(ares_destroy) HOST(ares_cancel) HOST(ares_send)
HOST(ares_query) HOST(ares_search) HOST(ares_create_query) HOST(ares_free_data)
HOST(ares_free_string) HOST(ares_getsock) HOST(ares_fds) HOST(ares_process)
HOST(ares_process_fd) HOST(ares_timeout) HOST(ares_set_servers_ports_csv)
HOST(ares_set_servers_csv) HOST(ares_set_socket_functions)
HOST(ares_parse_txt_reply_ext) HOST(ares_parse_a_reply) HOST(ares_parse_aaaa_reply)
HOST(ares_getaddrinfo) HOST(ares_freeaddrinfo) HOST(ares_gethostbyname)
HOST(ares_gethostbyaddr) HOST(ares_strerror) HOST(ares_expand_name)
HOST(sodium_init) HOST(sodium_memzero) HOST(sodium_is_zero) HOST(sodium_bin2hex)
HOST(sodium_base642bin) HOST(sodium_pad) HOST(sodium_unpad) HOST(randombytes_buf)
HOST(randombytes_random) HOST(randombytes_uniform) HOST(crypto_box_keypair)
HOST(crypto_box_beforenm) HOST(crypto_box_easy_afternm)
HOST(crypto_box_open_easy_afternm)
HOST(crypto_box_curve25519xchacha20poly1305_beforenm)
HOST(crypto_box_curve25519xchacha20poly1305_easy_afternm)
HOST(crypto_box_curve25519xchacha20poly1305_open_easy_afternm)
HOST(crypto_sign_verify_detached) HOST(crypto_generichash)
HOST(crypto_scalarmult_curve25519) HOST(dc_resolve_name) HOST(dc_resolve_addr)
HOST(dc_ctx_get) HOST(dc_nss_status) HOST(dc_pack_gaih) HOST(dc_pack_hostent)

int main(void)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_in sa;
	char host[NI_MAXHOST], a[INET6_ADDRSTRLEN] = "?";
	void *self = dlsym(RTLD_DEFAULT, "ares_init_options");
	int rc, fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (self == (void *)ares_init_options &&
	    dlsym(RTLD_DEFAULT, "sodium_init") == (void *)sodium_init &&
	    dlsym(RTLD_DEFAULT, "randombytes_buf") == (void *)randombytes_buf) {
		printf("PASS own_ares: its ares_*, sodium_* and randombytes_* are in the"
		       " global scope (a module importing them would get these)\n");
	} else {
		printf("FAIL own_ares: its own symbols are not exported (built without -rdynamic?)\n");
		fails++;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	rc = getaddrinfo("both.lab.test", "80", &hints, &res);
	if (rc == 0) {
		struct addrinfo *r;
		char all[256] = "";

		for (r = res; r; r = r->ai_next) {
			const void *p = r->ai_family == AF_INET ?
				(const void *)&((struct sockaddr_in *)r->ai_addr)->sin_addr :
				(const void *)&((struct sockaddr_in6 *)r->ai_addr)->sin6_addr;
			inet_ntop(r->ai_family, p, a, sizeof(a));
			strncat(all, a, sizeof(all) - strlen(all) - 2);
			strcat(all, " ");
		}
		if (strcmp(all, "::1 127.20.0.2 ") == 0 && res->ai_canonname &&
		    strcmp(res->ai_canonname, "both.lab.test") == 0) {
			printf("PASS own_ares: getaddrinfo both.lab.test through the module: %s\n", all);
		} else {
			printf("FAIL own_ares: getaddrinfo both.lab.test gave %s\n", all);
			fails++;
		}
		freeaddrinfo(res);
	} else {
		printf("FAIL own_ares: getaddrinfo both.lab.test: %s\n", gai_strerror(rc));
		fails++;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, "127.20.0.80", &sa.sin_addr);
	rc = getnameinfo((struct sockaddr *)&sa, sizeof(sa), host, sizeof(host), NULL, 0,
			 NI_NAMEREQD);
	if (rc == 0 && strcmp(host, "web.lab.test") == 0) {
		printf("PASS own_ares: getnameinfo 127.20.0.80 through the module: %s\n", host);
	} else {
		printf("FAIL own_ares: getnameinfo 127.20.0.80: %s %s\n", gai_strerror(rc),
		       rc ? "" : host);
		fails++;
	}
	return fails ? 1 : 0;
}
