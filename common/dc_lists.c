/* SPDX-License-Identifier: ISC */
/* dc_lists.c - minisign signatures and the Markdown resolver lists. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "dc_lists.h"

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX   "trusted comment: "
#define SIG_B64_BIN      (2 + DC_MINISIGN_KEYID_LEN + 64)
#define PK_B64_BIN       (2 + DC_MINISIGN_KEYID_LEN + 32)

/* minisign shows a key id as the little-endian 64-bit number in hex. */
static void keyid_str(const uint8_t id[DC_MINISIGN_KEYID_LEN], char out[17])
{
	static const char hex[] = "0123456789ABCDEF";

	for (int i = 0; i < DC_MINISIGN_KEYID_LEN; i++) {
		out[2 * i] = hex[id[DC_MINISIGN_KEYID_LEN - 1 - i] >> 4];
		out[2 * i + 1] = hex[id[DC_MINISIGN_KEYID_LEN - 1 - i] & 15];
	}
	out[16] = '\0';
}

/* Decode exactly want bytes of standard base64 from s[0..n). */
static int b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
	const char *end = NULL;
	size_t got = 0;

	if (n == 0 || sodium_base642bin(out, want, s, n, NULL, &got, &end,
					sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return end == s + n && got == want ? 0 : -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

dc_status dc_minisign_pk_parse(const char *text, struct dc_minisign_pk *out,
			       char *err, size_t errlen)
{
	uint8_t bin[PK_B64_BIN];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (text == NULL) {
		dc_set_err(err, errlen, "no public key");
		return DC_EPARSE;
	}
	while (is_blank(*text))
		text++;
	n = strlen(text);
	while (n > 0 && is_blank(text[n - 1]))
		n--;
	if (b64_exact(text, n, bin, sizeof(bin)) != 0) {
		dc_set_err(err, errlen, "public key: not a minisign public key "
			"(base64 of %d bytes, \"RW...\")", PK_B64_BIN);
		return DC_EPARSE;
	}
	if (bin[0] != 'E' || bin[1] != 'd') {
		dc_set_err(err, errlen, "public key: unsupported algorithm (not Ed25519)");
		return DC_EPARSE;
	}
	memcpy(out->keyid, bin + 2, DC_MINISIGN_KEYID_LEN);
	memcpy(out->pk, bin + 2 + DC_MINISIGN_KEYID_LEN, 32);
	return DC_OK;
}

/* The next line of text[0..len) from *pos, without "\n" or "\r\n".
 * Returns 0 at the end of the text. */
static int next_line(const char *text, size_t len, size_t *pos,
		     const char **line, size_t *n)
{
	const char *nl;
	size_t l;

	if (*pos >= len)
		return 0;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	l = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += l + (nl ? 1 : 0);
	if (l > 0 && (*line)[l - 1] == '\r')
		l--;
	*n = l;
	return 1;
}

dc_status dc_minisig_parse(const char *text, size_t len, struct dc_minisig *out,
			   char *err, size_t errlen)
{
	const size_t up = sizeof(UNTRUSTED_PREFIX) - 1, tp = sizeof(TRUSTED_PREFIX) - 1;
	uint8_t bin[SIG_B64_BIN];
	const char *l[4];
	size_t n[4], pos = 0;
	int i;

	memset(out, 0, sizeof(*out));
	if (text == NULL || len > DC_MINISIG_MAX_SIZE) {
		dc_set_err(err, errlen, "signature file: larger than %d bytes", DC_MINISIG_MAX_SIZE);
		return DC_EPARSE;
	}
	if (memchr(text, '\0', len) != NULL) {
		dc_set_err(err, errlen, "signature file: NUL byte");
		return DC_EPARSE;
	}
	for (i = 0; i < 4; i++) {
		if (!next_line(text, len, &pos, &l[i], &n[i])) {
			dc_set_err(err, errlen, "signature file: %d line%s, minisign writes 4",
				i, i == 1 ? "" : "s");
			return DC_EPARSE;
		}
	}
	if (n[0] < up || memcmp(l[0], UNTRUSTED_PREFIX, up) != 0) {
		dc_set_err(err, errlen, "signature file: line 1 does not start with "
			"\"" UNTRUSTED_PREFIX "\"");
		return DC_EPARSE;
	}
	if (b64_exact(l[1], n[1], bin, sizeof(bin)) != 0) {
		dc_set_err(err, errlen, "signature file: line 2 is not the base64 of a "
			"%d-byte signature", SIG_B64_BIN);
		return DC_EPARSE;
	}
	if (bin[0] == 'E' && bin[1] == 'd') {
		out->prehashed = 0;
	} else if (bin[0] == 'E' && bin[1] == 'D') {
		out->prehashed = 1;
	} else {
		dc_set_err(err, errlen, "signature file: unknown signature algorithm "
			"0x%02x%02x (not \"Ed\" or \"ED\")", bin[0], bin[1]);
		return DC_EPARSE;
	}
	memcpy(out->keyid, bin + 2, DC_MINISIGN_KEYID_LEN);
	memcpy(out->sig, bin + 2 + DC_MINISIGN_KEYID_LEN, 64);
	if (n[2] < tp || memcmp(l[2], TRUSTED_PREFIX, tp) != 0) {
		dc_set_err(err, errlen, "signature file: line 3 does not start with "
			"\"" TRUSTED_PREFIX "\"");
		return DC_EPARSE;
	}
	if (n[2] - tp > DC_MINISIG_COMMENT_MAX) {
		dc_set_err(err, errlen, "signature file: trusted comment longer than %d bytes",
			DC_MINISIG_COMMENT_MAX);
		return DC_EPARSE;
	}
	memcpy(out->trusted, l[2] + tp, n[2] - tp);
	out->trusted[n[2] - tp] = '\0';
	if (b64_exact(l[3], n[3], out->global_sig, 64) != 0) {
		dc_set_err(err, errlen, "signature file: line 4 is not the base64 of a "
			"64-byte signature");
		return DC_EPARSE;
	}
	for (; pos < len; pos++) {
		if (!is_blank(text[pos])) {
			dc_set_err(err, errlen, "signature file: text after the fourth line");
			return DC_EPARSE;
		}
	}
	return DC_OK;
}

dc_status dc_minisig_verify(const struct dc_minisign_pk *pk,
			    const struct dc_minisig *sig,
			    const uint8_t *data, size_t len,
			    char *err, size_t errlen)
{
	uint8_t hash[crypto_generichash_BYTES_MAX];
	uint8_t global[64 + DC_MINISIG_COMMENT_MAX];
	size_t tlen;
	int bad;

	if (sodium_init() < 0) {
		dc_set_err(err, errlen, "libsodium could not be initialised");
		return DC_EBADRESP;
	}
	if (memcmp(sig->keyid, pk->keyid, DC_MINISIGN_KEYID_LEN) != 0) {
		char a[17], b[17];
		keyid_str(sig->keyid, a);
		keyid_str(pk->keyid, b);
		dc_set_err(err, errlen, "signed by key id %s, but the public key's id is %s", a, b);
		return DC_EBADRESP;
	}
	if (sig->prehashed) {
		crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
		bad = crypto_sign_verify_detached(sig->sig, hash, sizeof(hash), pk->pk);
	} else {
		bad = crypto_sign_verify_detached(sig->sig, data, len, pk->pk);
	}
	if (bad) {
		dc_set_err(err, errlen, "the signature does not match the file: it was "
			"modified, or signed with another key");
		return DC_EBADRESP;
	}
	tlen = strnlen(sig->trusted, sizeof(sig->trusted));
	if (tlen > DC_MINISIG_COMMENT_MAX) {
		dc_set_err(err, errlen, "trusted comment too long");
		return DC_EBADRESP;
	}
	memcpy(global, sig->sig, 64);
	memcpy(global + 64, sig->trusted, tlen);
	if (crypto_sign_verify_detached(sig->global_sig, global, 64 + tlen, pk->pk) != 0) {
		dc_set_err(err, errlen, "the trusted comment's signature does not verify: "
			"the comment was modified");
		return DC_EBADRESP;
	}
	return DC_OK;
}

void dc_list_begin(struct dc_list_iter *it, const char *text, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->text = text;
	it->len = text ? len : 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* White space off both ends of line[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	while (*n > 0 && is_space(*s)) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

int dc_list_next(struct dc_list_iter *it, const char **name,
		 char *stamp, size_t cap)
{
	const char *l;
	size_t n;

	while (next_line(it->text, it->len, &it->pos, &l, &n)) {
		it->line++;
		if (n >= 3 && memcmp(l, "## ", 3) == 0) {
			size_t k = n - 3, j;
			const char *s = trim(l + 3, &k);
			if (k > DC_LIST_NAME_MAX)
				k = DC_LIST_NAME_MAX;
			for (j = 0; j < k; j++) {
				unsigned char c = (unsigned char)s[j];
				it->name[j] = c < 0x20 || c == 0x7f ? '?' : (char)c;
			}
			it->name[k] = '\0';
			it->sections++;
			continue;
		}
		l = trim(l, &n);
		if (n < 7 || memcmp(l, "sdns://", 7) != 0 || it->sections == 0)
			continue;
		if (n > DC_LIST_STAMP_MAX || cap == 0 || n > cap - 1 ||
		    memchr(l, '\0', n) != NULL)
			continue;
		memcpy(stamp, l, n);
		stamp[n] = '\0';
		*name = it->name;
		return 1;
	}
	return 0;
}

int dc_list_stamp_kind(const char *stamp)
{
	uint8_t bin[3];
	const char *end = NULL;
	size_t n, got = 0;

	if (stamp == NULL || strncmp(stamp, "sdns://", 7) != 0)
		return -1;
	stamp += 7;
	n = strnlen(stamp, 4);
	if (n == 4 || n == 3 || n == 2) {
		if (sodium_base642bin(bin, sizeof(bin), stamp, n, NULL, &got, &end,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
		    got >= 1)
			return bin[0];
	}
	return -1;
}

int dc_list_stamp_match(const char *stamp, unsigned want, struct dc_stamp *out)
{
	struct dc_stamp st;
	char why[256];
	unsigned fam;

	if (dc_list_stamp_kind(stamp) != DC_STAMP_DNSCRYPT)
		return -1;
	if (dc_stamp_parse(stamp, &st, why, sizeof(why)) != DC_OK ||
	    st.kind != DC_STAMP_DNSCRYPT)
		return -1;
	if (out != NULL)
		*out = st;
	if ((want & DC_LIST_DNSSEC) && !(st.props & DC_PROP_DNSSEC))
		return 0;
	if ((want & DC_LIST_NOLOG) && !(st.props & DC_PROP_NOLOG))
		return 0;
	if ((want & DC_LIST_NOFILTER) && !(st.props & DC_PROP_NOFILTER))
		return 0;
	fam = want & (DC_LIST_IPV4 | DC_LIST_IPV6);
	if (fam == 0)
		fam = DC_LIST_IPV4 | DC_LIST_IPV6;
	if (st.addr.sa.sa_family == AF_INET)
		return (fam & DC_LIST_IPV4) ? 1 : 0;
	if (st.addr.sa.sa_family == AF_INET6)
		return (fam & DC_LIST_IPV6) ? 1 : 0;
	return -1;
}
