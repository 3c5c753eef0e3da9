/* SPDX-License-Identifier: ISC */
/* bench.c - rows 1-6 of the benchmark and the report (tests/bench/run.sh).
 *
 * Runs inside the lab (tests/lab/shell.sh) with /etc/resolv.conf
 * bind-mounted to "nameserver 127.0.0.53" and /etc/nsswitch.conf to a
 * file this program may rewrite (cold row).  In one process the hosts
 * source is switched with __nss_configure_lookup before every lookup, so
 * dnscrypt and glibc's nss_dns are measured interleaved:
 *
 *   bench warm N PREFIX [SRC_DC SRC_DNS]  row 1 (and the preload process)
 *   bench cold N NSSWITCH CONF_WARM CONF_COLD CACHE_DIR [CONF_KEYS [NULL_DIR]]
 *                                         row 2 (getent per lookup; NULL_DIR
 *                                         holds libnss_dcnull.so.2)
 *   bench threads NTHREADS SECONDS ROUNDS row 3 (BENCH_SERVER_PIDS: the
 *                                         servers' CPU split)
 *   bench tcp N                           row 4 (many.lab.test)
 *   bench mem dnscrypt|dns N              row 5
 *   bench cg dnscrypt|dns N               row 6 under callgrind
 *   bench coldparts N CONF_WARM CONF_COLD a new process's first lookup,
 *                                         split (diagnostic)
 *   bench loop dnscrypt|dns N             N lookups, for strace/perf
 *   bench report FILE [FILE...]           the table
 *
 * Names: bench-I.lab.test has A 127.22.(I/250).(I%250+1) and AAAA
 * ::ffff: the same.  The dnscrypt module reads NSS_DNSCRYPT_CONF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <dlfcn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define NNAMES 5000

static const char *src_dc = "dnscrypt";
static const char *src_dns = "dns";

static void use_source(const char *src)
{
	if (__nss_configure_lookup("hosts", src) != 0) {
		fprintf(stderr, "bench: __nss_configure_lookup(hosts, %s) failed\n", src);
		exit(2);
	}
}

/* getaddrinfo(AF_UNSPEC, SOCK_STREAM) of bench-I; 0 if the answer holds
 * the expected IPv4 address. */
static int lookup_bench(int i)
{
	struct addrinfo hints, *res = NULL;
	char name[64];
	int ok = 0, rc;
	uint32_t want;

	i %= NNAMES;
	snprintf(name, sizeof(name), "bench-%d.lab.test", i);
	want = htonl(0x7f160000u | (uint32_t)(i / 250) << 8 | (uint32_t)(i % 250 + 1));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0)
		return -1;
	for (struct addrinfo *a = res; a; a = a->ai_next)
		if (a->ai_family == AF_INET &&
		    ((struct sockaddr_in *)a->ai_addr)->sin_addr.s_addr == want)
			ok = 1;
	freeaddrinfo(res);
	return ok ? 0 : -1;
}

static int lookup_name(const char *name, int min_addrs)
{
	struct addrinfo hints, *res = NULL;
	int n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	for (struct addrinfo *a = res; a; a = a->ai_next)
		n++;
	freeaddrinfo(res);
	return n >= min_addrs ? 0 : -1;
}

static double *alloc_samples(long n)
{
	double *v = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
	if (!v) {
		perror("calloc");
		exit(2);
	}
	return v;
}

static double ru_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* ---- row 1: warm, uncached names, one long-lived process ------------- */
static int cmd_warm(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 2000;
	const char *prefix = argc > 3 ? argv[3] : "warm";
	double *t[2], cpu[2] = { 0, 0 }, ru[2] = { 0, 0 };
	int err[2] = { 0, 0 };
	const char *src[2];

	if (argc > 5) {
		src_dc = argv[4];
		src_dns = argv[5];
	}
	src[0] = src_dc;
	src[1] = src_dns;
	if (n > NNAMES - 100)
		n = NNAMES - 100; /* each name once per mode */
	t[0] = alloc_samples(n);
	t[1] = alloc_samples(n);
	/* warm-up: module loaded, certificate fetched, sockets made */
	for (int i = 0; i < 20; i++)
		for (int m = 0; m < 2; m++) {
			use_source(src[m]);
			lookup_name("a4.lab.test", 1);
			lookup_bench(NNAMES - 1 - i);
		}
	for (long i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			int m = (int)((i + k) & 1);
			use_source(src[m]);
			double r0 = ru_cpu_us();
			double c0 = bench_thread_cpu_us(), t0 = bench_now_us();
			err[m] += lookup_bench((int)i) != 0;
			t[m][i] = bench_now_us() - t0;
			cpu[m] += bench_thread_cpu_us() - c0;
			ru[m] += ru_cpu_us() - r0;
		}
	char p[64];
	for (int m = 0; m < 2; m++) {
		snprintf(p, sizeof(p), "%s.%s", prefix, m ? "dns" : "dc");
		bench_summary(p, t[m], (size_t)n);
		bench_kv(p, "err", err[m]);
		bench_kv(p, "cpu", cpu[m] / (double)n);
		bench_kv(p, "rucpu", ru[m] / (double)n);
		free(t[m]);
	}
	return 0;
}

/* ---- row 3: 8 threads ------------------------------------------------ */
static pthread_barrier_t bar;
static atomic_int stop_flag;
static int nthreads;
static long *counts, *errs;
static volatile int quit_threads;

static void *worker(void *arg)
{
	long id = (long)arg;
	int next = (int)(id * (NNAMES / 8));

	/* warm-up in both modes happens in phases driven by main */
	for (;;) {
		pthread_barrier_wait(&bar); /* start */
		if (quit_threads)
			return NULL;
		long c = 0, e = 0;
		while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
			e += lookup_bench(next) != 0;
			next = (next + 1) % NNAMES;
			c++;
		}
		counts[id] = c;
		errs[id] = e;
		pthread_barrier_wait(&bar); /* done */
	}
}

/* CPU time (user+sys) of the lab's servers, from BENCH_SERVER_PIDS
 * ("PID:COMM ..."), so that a throughput row says where the CPU went. */
#define MAXSRV 8
static int nsrv;                      /* groups by command name */
static int srv_npid[MAXSRV];
static pid_t srv_pid[MAXSRV][16];
static char srv_comm[MAXSRV][16];

static void servers_init(void)
{
	const char *e = getenv("BENCH_SERVER_PIDS");
	char buf[1024], *save = NULL, *tok;

	if (!e)
		return;
	snprintf(buf, sizeof(buf), "%s", e);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *c = strchr(tok, ':');
		int g;
		if (!c)
			continue;
		*c = 0;
		for (g = 0; g < nsrv; g++)
			if (strcmp(srv_comm[g], c + 1) == 0)
				break;
		if (g == nsrv) {
			if (nsrv == MAXSRV)
				continue;
			snprintf(srv_comm[nsrv++], sizeof(srv_comm[0]), "%s", c + 1);
		}
		if (srv_npid[g] < 16)
			srv_pid[g][srv_npid[g]++] = (pid_t)atol(tok);
	}
}

static double proc_cpu_us(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	buf[0] = 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return 0;
	return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

static double group_cpu_us(int g)
{
	double t = 0;

	for (int i = 0; i < srv_npid[g]; i++)
		t += proc_cpu_us(srv_pid[g][i]);
	return t;
}

static double self_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double phase_cpu[2][MAXSRV + 2]; /* [mode][client, servers..., wall] */

static double phase(const char *src, double seconds, long *nerr, long *nlook,
		    double *cpu)
{
	double t0, t1, c0[MAXSRV + 1];
	long tot = 0, e = 0;

	use_source(src);
	atomic_store(&stop_flag, 0);
	c0[0] = self_cpu_us();
	for (int i = 0; i < nsrv; i++)
		c0[i + 1] = group_cpu_us(i);
	pthread_barrier_wait(&bar);
	t0 = bench_now_us();
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&stop_flag, 1);
	pthread_barrier_wait(&bar);
	t1 = bench_now_us();
	if (cpu) {
		cpu[0] += self_cpu_us() - c0[0];
		for (int i = 0; i < nsrv; i++)
			cpu[i + 1] += group_cpu_us(i) - c0[i + 1];
		cpu[nsrv + 1] += t1 - t0;
	}
	for (int i = 0; i < nthreads; i++) {
		tot += counts[i];
		e += errs[i];
	}
	*nerr += e;
	*nlook += tot;
	return (double)tot / ((t1 - t0) / 1e6);
}

static int cmd_threads(int argc, char **argv)
{
	double secs = argc > 3 ? atof(argv[3]) : 2.0;
	int rounds = argc > 4 ? atoi(argv[4]) : 3;
	pthread_t *th;
	double lps[2][64], sum[2] = { 0, 0 };
	long err[2] = { 0, 0 }, nl[2] = { 0, 0 }, dummy_e = 0, dummy_n = 0;
	const char *src[2] = { src_dc, src_dns };

	nthreads = argc > 2 ? atoi(argv[2]) : 8;
	if (nthreads < 1 || nthreads > 256 || rounds < 1 || rounds > 64)
		return 2;
	th = calloc((size_t)nthreads, sizeof(*th));
	counts = calloc((size_t)nthreads, sizeof(long));
	errs = calloc((size_t)nthreads, sizeof(long));
	pthread_barrier_init(&bar, NULL, (unsigned)nthreads + 1);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	/* warm-up phases: every thread's context made, certificate fetched */
	servers_init();
	phase(src_dc, 0.3, &dummy_e, &dummy_n, NULL);
	phase(src_dns, 0.3, &dummy_e, &dummy_n, NULL);
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < 2; k++) {
			int m = (r + k) & 1;
			lps[m][r] = phase(src[m], secs, &err[m], &nl[m], phase_cpu[m]);
			sum[m] += lps[m][r];
		}
	quit_threads = 1;
	pthread_barrier_wait(&bar);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (int m = 0; m < 2; m++) {
		const char *p = m ? "thr.dns" : "thr.dc";
		qsort(lps[m], (size_t)rounds, sizeof(double), bench_cmp_double);
		bench_kv(p, "lps", sum[m] / rounds);
		bench_kv(p, "lps_min", lps[m][0]);
		bench_kv(p, "lps_max", lps[m][rounds - 1]);
		bench_kv(p, "n", (double)nl[m]);
		bench_kv(p, "err", (double)err[m]);
		/* CPU per lookup: the client process and each server */
		double busy = phase_cpu[m][0];
		bench_kv(p, "cpu_client", phase_cpu[m][0] / (double)nl[m]);
		for (int i = 0; i < nsrv; i++) {
			char k[48];
			snprintf(k, sizeof(k), "cpu_%s", srv_comm[i]);
			bench_kv(p, k, phase_cpu[m][i + 1] / (double)nl[m]);
			busy += phase_cpu[m][i + 1];
		}
		/* share of the machine's CPUs busy in these processes */
		bench_kv(p, "busy", busy / (phase_cpu[m][nsrv + 1] *
					    (double)sysconf(_SC_NPROCESSORS_ONLN)));
	}
	bench_kv("thr", "threads", nthreads);
	bench_kv("thr", "rounds", rounds);
	bench_kv("thr", "seconds", secs);
	free(th);
	free(counts);
	free(errs);
	return 0;
}

/* ---- row 4: many.lab.test (TCP-sized) --------------------------------- */
static int cmd_tcp(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 500;
	const char *src[2] = { src_dc, src_dns };
	double *t[2], first[2];
	int err[2] = { 0, 0 };

	t[0] = alloc_samples(n);
	t[1] = alloc_samples(n);
	for (int m = 0; m < 2; m++) {
		use_source(src[m]);
		lookup_name("a4.lab.test", 1); /* module, certificate */
	}
	for (int m = 0; m < 2; m++) {
		use_source(src[m]);
		double t0 = bench_now_us();
		err[m] += lookup_name("many.lab.test", 100) != 0;
		first[m] = bench_now_us() - t0;
	}
	for (long i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			int m = (int)((i + k) & 1);
			use_source(src[m]);
			double t0 = bench_now_us();
			err[m] += lookup_name("many.lab.test", 100) != 0;
			t[m][i] = bench_now_us() - t0;
		}
	for (int m = 0; m < 2; m++) {
		const char *p = m ? "tcp.dns" : "tcp.dc";
		bench_summary(p, t[m], (size_t)n);
		bench_kv(p, "first", first[m]);
		bench_kv(p, "err", err[m]);
		free(t[m]);
	}
	return 0;
}

/* ---- row 2: cold, one getent process per lookup ---------------------- */
static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "bench: cannot rewrite %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
}

/* fork + exec getent ahosts NAME; returns microseconds from fork to the
 * child's exit, or -1 if it failed.  LIBPATH: the child's LD_LIBRARY_PATH
 * (NULL: this process's). */
static double run_getent(const char *name, const char *conf, const char *libpath)
{
	double t0;
	pid_t pid;
	int st;

	if (conf)
		setenv("NSS_DNSCRYPT_CONF", conf, 1);
	t0 = bench_now_us();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		if (libpath)
			setenv("LD_LIBRARY_PATH", libpath, 1);
		execlp("getent", "getent", "ahosts", name, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	double dt = bench_now_us() - t0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? dt : -dt;
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int cmd_cold(int argc, char **argv)
{
	long n;
	const char *nssw, *conf_warm, *conf_cold, *cache_dir;
	static const char *names[6] = { "dcwarm", "dccold", "dns", "files", "dckeys",
					"dcnull" };
	const char *nsline[6] = { "hosts: dnscrypt\n", "hosts: dnscrypt\n",
				  "hosts: dns\n", "hosts: files\n", "hosts: dnscrypt\n",
				  "hosts: dcnull dns\n" };
	const char *conf[6], *libpath[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
	double *t[6];
	int err[6] = { 0, 0, 0, 0, 0, 0 }, nm;

	if (argc < 7) {
		fprintf(stderr, "usage: bench cold N NSSWITCH CONF_WARM CONF_COLD CACHE_DIR"
			" [CONF_KEYS [NULL_DIR]]\n");
		return 2;
	}
	/* CONF_KEYS: a fifth mode, certificate cache warm and key-cache yes */
	nm = argc > 7 ? 5 : 4;
	conf[4] = argc > 7 ? argv[7] : NULL;
	/* NULL_DIR: a sixth, "hosts: dcnull dns" with libnss_dcnull.so.2 from
	 * NULL_DIR, which becomes the child's whole LD_LIBRARY_PATH as $B is
	 * the others': each module is found in the first directory searched,
	 * and every getent searches one directory for libc.so.6 */
	if (argc > 8) {
		nm = 6;
		conf[5] = argv[5];
		libpath[5] = argv[8];
	}
	n = atol(argv[2]);
	nssw = argv[3];
	conf_warm = argv[4];
	conf_cold = argv[5];
	cache_dir = argv[6];
	conf[0] = conf_warm;
	conf[1] = conf_cold;
	conf[2] = conf_cold;
	conf[3] = conf_cold;
	for (int m = 0; m < nm; m++)
		t[m] = alloc_samples(n);
	/* warm the certificate cache, and the page cache for every binary */
	for (int m = 0; m < nm; m++) {
		write_file(nssw, nsline[m]);
		for (int i = 0; i < 3; i++)
			if (run_getent(m == 3 ? "localhost" : "a4.lab.test", conf[m],
				       libpath[m]) < 0)
				fprintf(stderr, "bench: cold warm-up failed in mode %s\n",
					names[m]);
	}
	bench_kv("cold", "cache_files", count_files(cache_dir));
	for (long i = 0; i < n; i++)
		for (int k = 0; k < nm; k++) {
			int m = (int)((i + k) % nm);
			char name[64];
			snprintf(name, sizeof(name), m == 3 ? "localhost" :
				 "bench-%ld.lab.test", i % NNAMES);
			write_file(nssw, nsline[m]);
			double dt = run_getent(name, conf[m], libpath[m]);
			if (dt < 0) {
				err[m]++;
				dt = -dt;
			}
			t[m][i] = dt;
		}
	for (int m = 0; m < nm; m++) {
		char p[32];
		snprintf(p, sizeof(p), "cold.%s", names[m]);
		bench_summary(p, t[m], (size_t)n);
		bench_kv(p, "err", err[m]);
		free(t[m]);
	}
	return 0;
}

/* ---- row 5: memory ----------------------------------------------------- */
static long vmrss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return (long)(mi.uordblks + mi.hblkhd);
}

static int count_fds(void)
{
	return count_files("/proc/self/fd");
}

static int cmd_mem(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "dnscrypt";
	long n = argc > 3 ? atol(argv[3]) : 100000;
	int dc = strcmp(mode, "dns") != 0;
	const char *p = dc ? "mem.dc" : "mem.dns";
	long rss0, rss1, rss2, rss3, heap2, heap3, rss_max = 0;
	int fd2, fd3, err = 0;
	long warm = 2000;

	use_source(dc ? src_dc : src_dns);
	rss0 = vmrss_kb();
	err += lookup_name("a4.lab.test", 1) != 0;
	rss1 = vmrss_kb();
	for (long i = 0; i < warm; i++)
		err += lookup_bench((int)i) != 0;
	rss2 = vmrss_kb();
	heap2 = heap_bytes();
	fd2 = count_fds();
	for (long i = 0; i < n; i++) {
		err += lookup_bench((int)((warm + i) % NNAMES)) != 0;
		if (i % 5000 == 4999) {
			long r = vmrss_kb();
			if (r > rss_max)
				rss_max = r;
		}
	}
	rss3 = vmrss_kb();
	heap3 = heap_bytes();
	fd3 = count_fds();
	bench_kv(p, "rss_start_kb", rss0);
	bench_kv(p, "added_kb", rss1 - rss0);
	bench_kv(p, "rss_warm_kb", rss2);
	bench_kv(p, "rss_end_kb", rss3);
	bench_kv(p, "rss_max_kb", rss_max > rss3 ? rss_max : rss3);
	bench_kv(p, "growth_kb", rss3 - rss2);
	bench_kv(p, "heap_growth", heap3 - heap2);
	bench_kv(p, "fd_growth", fd3 - fd2);
	bench_kv(p, "n", n);
	bench_kv(p, "warm_n", warm);
	bench_kv(p, "err", err);
	return 0;
}

/* ---- row 6: instructions under callgrind ------------------------------ */
/* run.sh runs this under valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=bench_measured: only these lookups are counted. */
__attribute__((noinline)) int bench_measured(long n);
__attribute__((noinline)) int bench_measured(long n)
{
	int err = 0;

	for (long i = 0; i < n; i++)
		err += lookup_bench((int)i) != 0;
	return err;
}

static int cmd_cg(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "dnscrypt";
	long n = argc > 3 ? atol(argv[3]) : 200;
	int dc = strcmp(mode, "dns") != 0, err = 0;

	use_source(dc ? src_dc : src_dns);
	for (int i = 0; i < 20; i++)
		err += lookup_bench(NNAMES - 1 - i) != 0;
	err += bench_measured(n);
	fprintf(stderr, "bench cg %s: %ld lookups, %d errors\n", mode, n, err);
	return err != 0;
}

/* ---- diagnostics ------------------------------------------------------- */
/* bench loop SOURCE N: N lookups through one source, for strace/perf. */
static int cmd_loop(int argc, char **argv)
{
	const char *src = argc > 2 ? argv[2] : src_dc;
	long n = argc > 3 ? atol(argv[3]) : 1000;
	int err = 0;
	double t0;

	use_source(src);
	for (int i = 0; i < 20; i++)
		err += lookup_bench(NNAMES - 1 - i) != 0;
	t0 = bench_now_us();
	for (long i = 0; i < n; i++)
		err += lookup_bench((int)i) != 0;
	fprintf(stderr, "bench loop %s: %ld lookups, %.1f us each, %d errors\n",
		src, n, (bench_now_us() - t0) / (double)(n ? n : 1), err);
	return err != 0;
}

/* bench coldchild dnscrypt|dns NAME1 NAME2: in a fresh process, time
 * loading the module (dnscrypt: dlopen; dns: nothing to load), the first
 * getaddrinfo and a second one; writes "load first second" to fd 3. */
static int cmd_coldchild(int argc, char **argv)
{
	int dc = argc > 2 && strcmp(argv[2], "dns") != 0;
	double t0, t1, t2, t3;
	char out[128];
	void *h = NULL;
	int e1, e2, len;

	if (argc < 5)
		return 2;
	t0 = bench_now_us();
	if (dc)
		h = dlopen("libnss_dnscrypt.so.2", RTLD_NOW);
	t1 = bench_now_us();
	use_source(dc ? src_dc : src_dns);
	e1 = lookup_name(argv[3], 1);
	t2 = bench_now_us();
	e2 = lookup_name(argv[4], 1);
	t3 = bench_now_us();
	len = snprintf(out, sizeof(out), "%.1f %.1f %.1f %d\n", t1 - t0,
		       t2 - t1, t3 - t2, (dc && !h) || e1 || e2);
	if (write(3, out, (size_t)len) != len)
		return 1;
	return 0;
}

/* bench coldparts N CONF_WARM CONF_COLD: where a new process's first
 * lookup spends its time (not a target row). */
static int cmd_coldparts(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100;
	static const char *names[3] = { "dcwarm", "dccold", "dns" };
	const char *conf[3];
	double *v[3][3];
	int err[3] = { 0, 0, 0 };

	if (argc < 5)
		return 2;
	conf[0] = argv[3];
	conf[1] = argv[4];
	conf[2] = argv[4];
	for (int m = 0; m < 3; m++)
		for (int k = 0; k < 3; k++)
			v[m][k] = alloc_samples(n);
	for (long i = -2; i < n; i++)
		for (int k = 0; k < 3; k++) {
			int m = (int)((i + 3 + k) % 3), pfd[2], st;
			char n1[64], n2[64], buf[128] = "";
			double a = 0, b = 0, c = 0;
			int e = 1;
			pid_t pid;

			snprintf(n1, sizeof(n1), "bench-%ld.lab.test", (i + 10) % NNAMES);
			snprintf(n2, sizeof(n2), "bench-%ld.lab.test", (i + 2510) % NNAMES);
			if (pipe(pfd) != 0)
				return 2;
			setenv("NSS_DNSCRYPT_CONF", conf[m], 1);
			pid = fork();
			if (pid == 0) {
				dup2(pfd[1], 3);
				execl("/proc/self/exe", "bench", "coldchild",
				      m == 2 ? "dns" : "dnscrypt", n1, n2, (char *)NULL);
				_exit(127);
			}
			close(pfd[1]);
			ssize_t r = read(pfd[0], buf, sizeof(buf) - 1);
			close(pfd[0]);
			waitpid(pid, &st, 0);
			if (r > 0)
				buf[r] = 0;
			if (sscanf(buf, "%lf %lf %lf %d", &a, &b, &c, &e) != 4 || e)
				err[m]++;
			if (i < 0)
				continue; /* warm-up: page cache, certificate cache */
			v[m][0][i] = a;
			v[m][1][i] = b;
			v[m][2][i] = c;
		}
	for (int m = 0; m < 3; m++) {
		static const char *part[3] = { "load", "first", "second" };
		for (int k = 0; k < 3; k++) {
			char p[64];
			qsort(v[m][k], (size_t)n, sizeof(double), bench_cmp_double);
			snprintf(p, sizeof(p), "coldp.%s", names[m]);
			bench_kv(p, part[k], bench_pct(v[m][k], (size_t)n, 0.5));
			free(v[m][k]);
		}
		char p[64];
		snprintf(p, sizeof(p), "coldp.%s", names[m]);
		bench_kv(p, "err", err[m]);
	}
	bench_kv("coldp", "n", (double)n);
	return 0;
}

/* ---- row 7: DNSSEC validation on vs off ------------------------------- */
/* bench secchild N NAME: in this process (its NSS_DNSCRYPT_CONF), 20
 * warm-up lookups of NAME, then N timed ones; the times (us, doubles) to
 * fd 3, then the error count as one more double.  NAME "*.ZONE" asks a
 * new name of a wildcard each time. */
static int cmd_secchild(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100;
	const char *name = argc > 3 ? argv[3] : "a4.lab.test";
	double *t = alloc_samples(n), errs = 0;
	size_t len = (size_t)n * sizeof(double);

	/* NAME "*.ZONE": a new name under a wildcard for every lookup, so that
	 * no answer (and no verdict on it) is seen twice. */
	int fresh = name[0] == '*' && name[1] == '.';
	char nm[256];

	use_source(src_dc);
	for (long i = -20; i < n; i++) {
		double t0;

		if (fresh)
			snprintf(nm, sizeof nm, "n%ld-%ld%s", (long)getpid(), i + 20, name + 1);
		else
			snprintf(nm, sizeof nm, "%s", name);
		t0 = bench_now_us();
		if (i < 0) {
			lookup_name(nm, 1);
			continue;
		}
		errs += lookup_name(nm, 1) != 0;
		t[i] = bench_now_us() - t0;
	}
	if (write(3, t, len) != (ssize_t)len || write(3, &errs, sizeof errs) != sizeof errs)
		return 1;
	free(t);
	return 0;
}

/* Run "bench ARGS..." with NSS_DNSCRYPT_CONF=conf, its fd 3 read into buf
 * (at most cap bytes); the bytes read. */
static ssize_t run_child(const char *conf, char *const args[], void *buf, size_t cap)
{
	int pfd[2], st;
	ssize_t got = 0, r;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	setenv("NSS_DNSCRYPT_CONF", conf, 1);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 3);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	close(pfd[1]);
	while ((size_t)got < cap && (r = read(pfd[0], (char *)buf + got, cap - (size_t)got)) > 0)
		got += r;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return got;
}

/* ROUNDS processes per mode of PER lookups of NAME (bench secchild),
 * off and on alternating; their times summarised under PREFIX.MODE. */
static void sec_warm(const char *conf[2], long rounds, long per, const char *name,
		     const char *prefix, double *warm[2])
{
	static const char *mode[2] = { "off", "on" };
	double errs[2] = { 0, 0 };
	long got[2] = { 0, 0 };

	for (long r = 0; r < rounds; r++)
		for (int k = 0; k < 2; k++) {
			int m = (int)((r + k) & 1);
			char cnt[32];
			char *args[] = { "bench", "secchild", cnt, (char *)name, NULL };
			size_t cap = (size_t)per * sizeof(double) + sizeof(double);
			double *buf = alloc_samples(per + 1);
			ssize_t b;

			snprintf(cnt, sizeof cnt, "%ld", per);
			b = run_child(conf[m], args, buf, cap);
			if (b != (ssize_t)cap) {
				errs[m] += per;
			} else {
				memcpy(warm[m] + got[m], buf, (size_t)per * sizeof(double));
				got[m] += per;
				errs[m] += buf[per];
			}
			free(buf);
		}
	for (int m = 0; m < 2; m++) {
		char p[32];
		snprintf(p, sizeof p, "%s.%s", prefix, mode[m]);
		bench_summary(p, warm[m], (size_t)got[m]);
		bench_kv(p, "err", errs[m]);
		errs[m] = 0;
	}
}

/* bench sec N ROUNDS NEWN CONF_OFF CONF_ON NAME NAME2: the same secure
 * NAME with "dnssec no" (CONF_OFF) and "dnssec validate" (CONF_ON), both
 * "cache no" (every lookup asks and, on, validates) and the same
 * cert-cache directory:
 *  - warm: ROUNDS x (a process of N/ROUNDS lookups after 20 warm-up ones),
 *    off and on alternating, the rounds interleaved;
 *  - new process: NEWN x (a fresh process's dlopen of the module and first
 *    getaddrinfo of NAME; coldchild), off and on alternating, with the
 *    certificate and (on) the DNSKEY/DS sets on disk from the warm-up. */
static int cmd_sec(int argc, char **argv)
{
	static const char *mode[2] = { "off", "on" };
	long n, rounds, newn, per;
	const char *conf[2], *name, *name2, *fresh;
	double *warm[2], *newp[2], errs[2] = { 0, 0 };

	if (argc < 9) {
		fprintf(stderr, "usage: bench sec N ROUNDS NEWN CONF_OFF CONF_ON NAME NAME2 [*.ZONE]\n");
		return 2;
	}
	n = atol(argv[2]);
	rounds = atol(argv[3]);
	newn = atol(argv[4]);
	conf[0] = argv[5];
	conf[1] = argv[6];
	name = argv[7];
	name2 = argv[8];
	fresh = argc > 9 ? argv[9] : NULL;
	per = n / (rounds > 0 ? rounds : 1);
	for (int m = 0; m < 2; m++) {
		warm[m] = alloc_samples(n);
		newp[m] = alloc_samples(newn);
	}
	sec_warm(conf, rounds, per, name, "sec.warm", warm);
	if (fresh)
		sec_warm(conf, rounds, per, fresh, "sec.fresh", warm);
	for (long i = -3; i < newn; i++)
		for (int k = 0; k < 2; k++) {
			int m = (int)((i + 3 + k) & 1), e = 1;
			char buf[128] = "";
			char *args[] = { "bench", "coldchild", "dnscrypt", (char *)name,
					 (char *)name2, NULL };
			double a = 0, b = 0, c = 0;
			ssize_t r = run_child(conf[m], args, buf, sizeof buf - 1);

			if (r > 0)
				buf[r] = 0;
			if (sscanf(buf, "%lf %lf %lf %d", &a, &b, &c, &e) != 4 || e)
				errs[m]++;
			if (i >= 0)   /* before: page cache, certificate and key files */
				newp[m][i] = a + b;
		}
	for (int m = 0; m < 2; m++) {
		char p[32];
		snprintf(p, sizeof p, "sec.new.%s", mode[m]);
		bench_summary(p, newp[m], (size_t)newn);
		bench_kv(p, "err", errs[m]);
		free(warm[m]);
		free(newp[m]);
	}
	return 0;
}

/* ---- report ------------------------------------------------------------ */
struct kv {
	char key[64];
	double v;
};
static struct kv *kvs;
static size_t nkv, capkv;

static void kv_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], key[64];
	double v;

	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "K %63s %lf", key, &v) != 2)
			continue;
		if (nkv == capkv) {
			capkv = capkv ? 2 * capkv : 256;
			kvs = realloc(kvs, capkv * sizeof(*kvs));
			if (!kvs)
				exit(2);
		}
		snprintf(kvs[nkv].key, sizeof(kvs[nkv].key), "%s", key);
		kvs[nkv++].v = v;
	}
	fclose(f);
}

static int has(const char *key)
{
	for (size_t i = nkv; i-- > 0;)
		if (strcmp(kvs[i].key, key) == 0)
			return 1;
	return 0;
}

static double get(const char *key)
{
	for (size_t i = nkv; i-- > 0;)
		if (strcmp(kvs[i].key, key) == 0)
			return kvs[i].v;
	return 0.0 / 0.0;
}

/* Median over every line with this key (keys printed by repeated runs). */
static double getmed(const char *key)
{
	double v[256];
	size_t n = 0;

	for (size_t i = 0; i < nkv && n < 256; i++)
		if (strcmp(kvs[i].key, key) == 0)
			v[n++] = kvs[i].v;
	if (!n)
		return 0.0 / 0.0;
	qsort(v, n, sizeof(double), bench_cmp_double);
	return bench_pct(v, n, 0.5);
}

static double getf(const char *fmt, const char *a, const char *b)
{
	char key[64];
	snprintf(key, sizeof(key), fmt, a, b);
	return get(key);
}

static const char *verdict(int measured, int ok)
{
	return !measured ? "n/a" : ok ? "MET" : "MISSED";
}

/* One latency row: "dc" vs "base" under prefix. */
static void lat_row(const char *label, const char *dc, const char *base,
		    const char *target, int *met_out, double *rmed, double *rp99)
{
	char k[64];
	snprintf(k, sizeof(k), "%s.med", dc);
	if (!has(k)) {
		printf("%-34s  (not measured)\n", label);
		return;
	}
	double dmed = getf("%s.%s", dc, "med"), dp99 = getf("%s.%s", dc, "p99");
	double bmed = getf("%s.%s", base, "med"), bp99 = getf("%s.%s", base, "p99");
	double n = getf("%s.%s", dc, "n");
	*rmed = dmed / bmed;
	*rp99 = dp99 / bp99;
	printf("%-34s %6.0f %8.1f %8.1f %8.1f %8.1f %7.2f %7.2f  %s",
	       label, n, dmed, dp99, bmed, bp99, *rmed, *rp99, target);
	if (met_out)
		printf(" %s", verdict(*met_out >= 0, *met_out > 0));
	printf("\n");
}

/* Row 2's bound: what a DNSCrypt NSS module whose own code cost nothing
 * would score in the cold row here.  A new process with "hosts: dcnull dns"
 * pays glibc's charge for loading any external module; the server's side
 * of DNSCrypt is row 0's DNSCrypt exchange minus its plain one (medians),
 * twice: getaddrinfo sends A and AAAA together, and the lab's dnsdist
 * handles each listener's queries in one receiving thread (decrypting
 * each, an X25519 per query) and every answer in one responder thread, so
 * the second answer comes after both.  Were they handled in parallel, it
 * would count once. */
static void cold_bound(double floor_ratio)
{
	double tnull = get("cold.dcnull.med"), tdns = get("cold.dns.med");
	double fdc = get("floor.dc.med"), fpl = get("floor.plain.med");
	double ex = fdc - fpl, bound = (tnull + 2 * ex) / tdns;
	double ccpu = get("floor.dc.cpu") - get("floor.plain.cpu"), r1, r2;

	lat_row("2 cold, null module then dns", "cold.dcnull", "cold.dns",
		"(glibc's charge for any module)", NULL, &r1, &r2);
	if (!(floor_ratio > 0)) {
		printf("  cold bound for any DNSCrypt NSS module: n/a (row 0 not measured)\n");
		return;
	}
	printf("  cold bound for any DNSCrypt NSS module %.3f (cold ratio %.3f)  %s\n"
	       "    = (null module then dns %.1f + 2 x DNSCrypt exchange's extra %.1f) / dns %.1f, medians\n"
	       "    parts: glibc's charge for loading a module %+.1f us (null module then dns - dns);"
	       " DNSCrypt exchange's extra\n"
	       "    %.1f us (floor DNSCrypt %.1f - plain %.1f), of which our client's CPU %+.1f us"
	       " (floor CPU per exchange)\n"
	       "    %.3f if the A and AAAA exchanges overlapped at the server; %.3f without our client's"
	       " CPU in the floor\n",
	       bound, get("cold.dcwarm.med") / tdns,
	       bound > 1.10 ? "> 1.10: out of reach for any module here"
			    : "<= 1.10: within reach of a module costing nothing",
	       tnull, ex, tdns, tnull - tdns, ex, fdc, fpl, ccpu, (tnull + ex) / tdns,
	       (tnull + 2 * (ex - ccpu)) / tdns);
	/* The assumption behind "2 x", measured: row 0's A and AAAA sent
	 * together, DNSCrypt minus plain. */
	if (has("floor.dcpair.med")) {
		double px = get("floor.dcpair.med") - get("floor.plainpair.med");
		printf("    check of \"2 x\": A and AAAA sent together in the floor, DNSCrypt %.1f - plain %.1f"
		       " = %.1f us (%.2f x one exchange's);\n"
		       "    the bound with it instead: %.3f\n",
		       get("floor.dcpair.med"), get("floor.plainpair.med"), px, px / ex,
		       (get("cold.dcnull.med") + px) / get("cold.dns.med"));
	}
	/* Under load (other programs on the two CPUs) a new process's time is
	 * bimodal and the medians move with it: the 10th percentiles are the
	 * processes that ran undisturbed. */
	tnull = get("cold.dcnull.p10");
	tdns = get("cold.dns.p10");
	bound = (tnull + 2 * ex) / tdns;
	printf("    at the 10th percentiles (the processes least disturbed by load): bound %.3f"
	       " (cold ratio %.3f) = (%.1f + 2 x %.1f) / %.1f; glibc's charge %+.1f us  %s 1.10\n",
	       bound, get("cold.dcwarm.p10") / tdns, tnull, ex, tdns, tnull - tdns,
	       bound > 1.10 ? ">" : "<=");
	printf("    (it counts glibc loading a module, the server's DNSCrypt work, our sealing and opening"
	       " of the floor's query\n"
	       "    and its padding to 512 bytes; it leaves out what any client pays in a new process:"
	       " a key pair, the shared\n"
	       "    key, the certificate, a DNS engine and its configuration)\n");
	/* What no client that keeps the default (a fresh key per process,
	 * key-cache no: issue 16 keeps the shared key cache an option for
	 * its privacy cost) can skip in a new process: its key pair and the
	 * shared key with the certificate's key, two X25519, measured as the
	 * first calls in a new process (row 0's cold costs). */
	if (has("coldcost.keypair") && has("coldcost.shared_key")) {
		double kp = getmed("coldcost.keypair"), sk = getmed("coldcost.shared_key");
		double b = (get("cold.dcnull.med") + 2 * ex + kp + sk) / get("cold.dns.med");
		double b10 = (tnull + 2 * ex + kp + sk) / tdns;

		printf("  cold bound with a fresh client key per process (the default) %.3f,"
		       " at the p10s %.3f  %s\n"
		       "    = the bound + (key pair %.1f + shared key %.1f us, first calls in a"
		       " new process) / dns\n",
		       b, b10, b > 1.10 && b10 > 1.10 ? "> 1.10: out of reach for such a module here"
		       : "<= 1.10 in one of them: reachable in principle", kp, sk);
	}
}

static int cmd_report(int argc, char **argv)
{
	double fmed = 0, fp99 = 0, r1, r2;
	int met;

	for (int i = 2; i < argc; i++)
		kv_load(argv[i]);

	printf("All times in microseconds; ratio = dnscrypt / glibc nss_dns (plain DNS to dnsdist 127.0.0.53),\n"
	       "measured interleaved in the same run. p99 ratio = p99(dnscrypt) / p99(plain).\n\n");
	printf("%-34s %6s %8s %8s %8s %8s %7s %7s  %s\n", "row", "n", "dc med",
	       "dc p99", "pl med", "pl p99", "r med", "r p99", "target / verdict");
	printf("%.*s\n", 120, "----------------------------------------------------------------------------------------------------------------------------------");

	lat_row("0 floor: A over bare UDP", "floor.dc", "floor.plain",
		"(reference)", NULL, &fmed, &fp99);

	/* row 1 */
	if (has("warm.dc.med")) {
		double wm = get("warm.dc.med") / get("warm.dns.med");
		double wp = get("warm.dc.p99") / get("warm.dns.p99");
		met = (wm <= 1.10 * fmed) && (wp <= 1.25 * fp99);
		char tgt[128];
		snprintf(tgt, sizeof(tgt), "med <= %.2f, p99 <= %.2f",
			 1.10 * fmed, 1.25 * fp99);
		lat_row("1 warm NSS getaddrinfo UNSPEC", "warm.dc", "warm.dns",
			tgt, &met, &r1, &r2);
	}
	if (has("pre.dc.med")) {
		double wm = get("pre.dc.med") / get("pre.dns.med");
		double wp = get("pre.dc.p99") / get("pre.dns.p99");
		met = (wm <= 1.10 * fmed) && (wp <= 1.25 * fp99);
		char tgt[128];
		snprintf(tgt, sizeof(tgt), "med <= %.2f, p99 <= %.2f",
			 1.10 * fmed, 1.25 * fp99);
		lat_row("1 warm preload, files+dnscrypt", "pre.dc", "pre.dns", tgt, &met,
			&r1, &r2);
	}
	/* row 2 */
	if (has("cold.dcwarm.med")) {
		met = get("cold.dcwarm.med") / get("cold.dns.med") <= 1.10;
		lat_row("2 cold getent, cert cache warm", "cold.dcwarm", "cold.dns",
			"med <= 1.10", &met, &r1, &r2);
		if (has("cold.dckeys.med"))
			lat_row("2 cold, cert cache warm, key-cache yes", "cold.dckeys",
				"cold.dns", "(no target)", NULL, &r1, &r2);
		lat_row("2 cold getent, cert cache none", "cold.dccold", "cold.dns",
			"(no target)", NULL, &r1, &r2);
		lat_row("  (getent localhost, files only)", "cold.files", "cold.dns",
			"(fork+exec cost)", NULL, &r1, &r2);
		if (has("cold.dcnull.med"))
			cold_bound(fmed);
	}
	/* row 3 */
	if (has("thr.dc.lps")) {
		double dc = get("thr.dc.lps"), dns = get("thr.dns.lps");
		double want = 0.90 * dns / fmed;
		char label[64];
		met = fmed > 0 ? dc >= want : -1;
		snprintf(label, sizeof(label), "3 %.0f threads, lookups/s", get("thr.threads"));
		printf("%-34s %6.0f %8.0f %8s %8.0f %8s %7.2f %7s  lookups/s >= %.0f %s\n",
		       label, get("thr.dc.n"), dc, "", dns, "",
		       dc / dns, "", want, verdict(met >= 0, met > 0));
	}
	/* row 4 */
	if (has("tcp.dc.med")) {
		met = get("tcp.dc.med") / get("tcp.dns.med") <= 1.10;
		lat_row("4 many.lab.test (TCP), repeated", "tcp.dc", "tcp.dns",
			"med <= 1.10", &met, &r1, &r2);
		printf("%-34s %6s %8.1f %8s %8.1f %8s %7.2f\n", "  first lookup of it", "1",
		       get("tcp.dc.first"), "", get("tcp.dns.first"), "",
		       get("tcp.dc.first") / get("tcp.dns.first"));
	}
	/* tail of row 1 */
	if (has("warm.dc.med")) {
		double m = get("warm.dc.med"), p = get("warm.dc.p999");
		met = p < 3 * m;
		printf("%-34s %6.0f p99.9 %.1f (dns %.1f), max %.1f (dns %.1f), >3x median: %.0f (dns %.0f), >400 ms: %.0f (dns %.0f)  p99.9 < %.1f %s\n",
		       "1 warm tail (dnscrypt)", get("warm.dc.n"), p,
		       get("warm.dns.p999"), get("warm.dc.max"), get("warm.dns.max"),
		       get("warm.dc.over3"), get("warm.dns.over3"),
		       get("warm.dc.over400ms"), get("warm.dns.over400ms"), 3 * m,
		       verdict(1, met));
	}
	if (has("pre.dc.med")) {
		double m = get("pre.dc.med"), p = get("pre.dc.p999");
		printf("%-34s %6.0f p99.9 %.1f (dns %.1f), max %.1f (dns %.1f), >3x median: %.0f (dns %.0f), >400 ms: %.0f (dns %.0f)  p99.9 < %.1f %s\n",
		       "1 preload tail (dnscrypt)", get("pre.dc.n"), p,
		       get("pre.dns.p999"), get("pre.dc.max"), get("pre.dns.max"),
		       get("pre.dc.over3"), get("pre.dns.over3"),
		       get("pre.dc.over400ms"), get("pre.dns.over400ms"), 3 * m,
		       verdict(1, p < 3 * m));
	}
	/* row 5 */
	if (has("mem.dc.added_kb")) {
		double add = get("mem.dc.added_kb"), gr = get("mem.dc.growth_kb");
		met = add <= 2048 && gr <= 0 && get("mem.dc.heap_growth") <= 0;
		printf("%-34s added %.0f KiB (nss_dns %.0f KiB); over %.0f lookups after %.0f: RSS %+.0f KiB, heap %+.0f B, fds %+.0f"
		       " (nss_dns: RSS %+.0f KiB, heap %+.0f B)  <= 2048 KiB, 0 growth %s\n",
		       "5 memory", add, get("mem.dns.added_kb"), get("mem.dc.n"),
		       get("mem.dc.warm_n"), gr, get("mem.dc.heap_growth"),
		       get("mem.dc.fd_growth"), get("mem.dns.growth_kb"),
		       get("mem.dns.heap_growth"), verdict(1, met));
	}
	if (has("mem.dcdefault.added_kb"))
		printf("%-34s added %.0f KiB by the first lookup, %.0f KiB after %.0f distinct names (answer cache on)\n",
		       "  memory, default config", get("mem.dcdefault.added_kb"),
		       get("mem.dcdefault.rss_warm_kb") - get("mem.dcdefault.rss_start_kb"),
		       get("mem.dcdefault.warm_n"));
	/* row 6 */
	if (has("warm.dc.cpu")) {
		double d = get("warm.dc.cpu") - get("warm.dns.cpu");
		printf("%-34s dnscrypt %.1f us, nss_dns %.1f us, difference %+.1f us (getrusage: %.1f vs %.1f)  <= +15 us %s\n",
		       "6 CPU per warm lookup (user+sys)", get("warm.dc.cpu"),
		       get("warm.dns.cpu"), d, get("warm.dc.rucpu"),
		       get("warm.dns.rucpu"), verdict(1, d <= 15));
		if (has("floor.dc.cpu"))
			printf("%-34s dnscrypt %.1f us, plain %.1f us\n",
			       "  floor CPU per exchange", get("floor.dc.cpu"),
			       get("floor.plain.cpu"));
	}
	if (has("cg.dc.ir"))
		printf("%-34s dnscrypt %.0f, nss_dns %.0f, ratio %.2f (%.0f lookups each)\n",
		       "6 instructions per warm lookup", get("cg.dc.ir"),
		       get("cg.dns.ir"), get("cg.dc.ir") / get("cg.dns.ir"),
		       get("cg.n"));
	/* row 7 */
	if (has("sec.warm.on.med")) {
		printf("\nrow 7: DNSSEC, \"dc\" = dnssec validate, \"pl\" = dnssec no, the same secure name"
		       " and DNSCrypt listener, cache no:\n");
		met = get("sec.warm.on.med") / get("sec.warm.off.med") <= 1.15;
		lat_row("7 dnssec warm getaddrinfo", "sec.warm.on", "sec.warm.off",
			"med <= 1.15", &met, &r1, &r2);
		met = get("sec.new.on.med") / get("sec.new.off.med") <= 1.25;
		lat_row("7 dnssec new process, warm cache", "sec.new.on", "sec.new.off",
			"med <= 1.25", &met, &r1, &r2);
		if (has("sec.fresh.on.med"))
			lat_row("7 dnssec warm, a new name each", "sec.fresh.on", "sec.fresh.off",
				"(no target)", NULL, &r1, &r2);
	}
	/* diagnostics */
	printf("\nWhere the time goes (diagnostics, not targets):\n");
	if (has("coldp.dcwarm.first"))
		printf("  new process, medians of %.0f: dlopen of the module %.0f us; first getaddrinfo"
		       " %.0f us (cert cache warm), %.0f us (cert-cache none), nss_dns %.0f us;"
		       " second getaddrinfo %.0f us, nss_dns %.0f us\n",
		       get("coldp.n"), get("coldp.dcwarm.load"), get("coldp.dcwarm.first"),
		       get("coldp.dccold.first"), get("coldp.dns.first"),
		       get("coldp.dcwarm.second"), get("coldp.dns.second"));
	if (has("coldcost.sodium_init"))
		printf("  first call in a new process (common/ + libsodium + c-ares, medians): sodium_init %.0f us,"
		       " key pair %.0f us (%.0f warm), shared key %.0f us (%.0f), certificate verify %.0f us (%.0f),"
		       " c-ares init %.0f us\n",
		       getmed("coldcost.sodium_init"), getmed("coldcost.keypair"),
		       getmed("coldcost.keypair_warm"), getmed("coldcost.shared_key"),
		       getmed("coldcost.shared_key_warm"), getmed("coldcost.cert_verify"),
		       getmed("coldcost.cert_verify_warm"), getmed("coldcost.ares_init"));
	if (has("thr.dc.cpu_client")) {
		for (int m = 0; m < 2; m++) {
			const char *p = m ? "thr.dns" : "thr.dc";
			printf("  %s threads, CPU per lookup: client %.1f us", m ? "nss_dns " : "dnscrypt",
			       getf("%s.%s", p, "cpu_client"));
			for (size_t i = 0; i < nkv; i++) {
				size_t pl = strlen(p);
				if (strncmp(kvs[i].key, p, pl) == 0 &&
				    strncmp(kvs[i].key + pl, ".cpu_", 5) == 0 &&
				    strcmp(kvs[i].key + pl, ".cpu_client") != 0)
					printf(", %s %.1f us", kvs[i].key + pl + 5, kvs[i].v);
			}
			printf("; CPUs %.0f%% busy\n", 100 * getf("%s.%s", p, "busy"));
		}
		/* CPU-bound model: lookups/s scale with 1 / (CPU per lookup). */
		double tdc = 0, tdns = 0, sdc = 0;
		for (size_t i = 0; i < nkv; i++) {
			if (strncmp(kvs[i].key, "thr.dc.cpu_", 11) == 0) {
				tdc += kvs[i].v;
				if (strcmp(kvs[i].key, "thr.dc.cpu_client") != 0)
					sdc += kvs[i].v;
			}
			if (strncmp(kvs[i].key, "thr.dns.cpu_", 12) == 0)
				tdns += kvs[i].v;
		}
		double ideal = sdc + get("thr.dns.cpu_client");
		printf("  CPU per lookup, all processes: dnscrypt %.1f us, nss_dns %.1f us; a DNSCrypt client costing no more\n"
		       "  CPU than nss_dns would need %.1f us, i.e. about %.0f lookups/s here (%.2f x nss_dns)\n",
		       tdc, tdns, ideal, get("thr.dc.lps") * tdc / ideal,
		       tdns / ideal);
	}
	if (has("load.start"))
		printf("  load average (1 min) at start %.2f, at end %.2f\n", get("load.start"),
		       get("load.end"));

	/* errors */
	static const char *errkeys[] = { "floor.dc.err", "floor.plain.err",
		"floor.dc.lost", "floor.plain.lost", "floor.dcpair.err", "floor.plainpair.err",
		"floor.dcpair.lost", "floor.plainpair.lost", "warm.dc.err", "warm.dns.err",
		"pre.dc.err", "pre.dns.err", "cold.dcwarm.err", "cold.dccold.err", "cold.dckeys.err", "cold.dcnull.err",
		"cold.dns.err", "thr.dc.err", "thr.dns.err", "tcp.dc.err",
		"tcp.dns.err", "mem.dc.err", "mem.dns.err", "sec.warm.on.err",
		"sec.warm.off.err", "sec.new.on.err", "sec.new.off.err", "sec.fresh.on.err",
		"sec.fresh.off.err" };
	printf("\nerrors/losses:");
	for (size_t i = 0; i < sizeof(errkeys) / sizeof(*errkeys); i++)
		if (has(errkeys[i]))
			printf(" %s=%.0f", errkeys[i], get(errkeys[i]));
	printf("\ncert cache files after warm-up (cold row): %.0f\n", get("cold.cache_files"));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "warm"))
		return cmd_warm(argc, argv);
	if (!strcmp(cmd, "threads"))
		return cmd_threads(argc, argv);
	if (!strcmp(cmd, "tcp"))
		return cmd_tcp(argc, argv);
	if (!strcmp(cmd, "cold"))
		return cmd_cold(argc, argv);
	if (!strcmp(cmd, "mem"))
		return cmd_mem(argc, argv);
	if (!strcmp(cmd, "cg"))
		return cmd_cg(argc, argv);
	if (!strcmp(cmd, "loop"))
		return cmd_loop(argc, argv);
	if (!strcmp(cmd, "coldchild"))
		return cmd_coldchild(argc, argv);
	if (!strcmp(cmd, "coldparts"))
		return cmd_coldparts(argc, argv);
	if (!strcmp(cmd, "sec"))
		return cmd_sec(argc, argv);
	if (!strcmp(cmd, "secchild"))
		return cmd_secchild(argc, argv);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc, argv);
	fprintf(stderr, "usage: bench warm|threads|tcp|cold|mem|cg|report ...\n");
	return 2;
}
