/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>

#include "dc_status.h"

void dc_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *dc_strerror(dc_status st)
{
	switch (st) {
	case DC_OK:           return "success";
	case DC_ENOTFOUND:    return "name does not exist (NXDOMAIN)";
	case DC_ENODATA:      return "name has no record of the requested type";
	case DC_ETIMEOUT:     return "timed out waiting for a valid DNSCrypt answer";
	case DC_ECONNREFUSED: return "connection to the resolver refused";
	case DC_EBADRESP:     return "malformed or unauthenticated answer";
	case DC_ESERVFAIL:    return "resolver answered SERVFAIL";
	case DC_EREFUSED:     return "resolver refused the query";
	case DC_ECERT:        return "no valid DNSCrypt certificate for the resolver";
	case DC_ENOMEM:       return "out of memory";
	case DC_ERANGE:       return "buffer too small";
	case DC_EBADNAME:     return "invalid host name";
	case DC_ENOQUERY:     return "name cannot be put in a DNS query";
	case DC_EBADARG:      return "invalid argument";
	case DC_ECONFIG:      return "no usable configuration";
	case DC_EPARSE:       return "malformed input";
	case DC_ESYS:         return "system error";
	case DC_EBADFRAME:    return "malformed, cut or unauthenticated answer over TCP";
	case DC_ECONFREAD:    return "configuration file cannot be read";
	case DC_ECONFBAD:     return "configuration is invalid or refused";
	case DC_EBOGUS:       return "DNSSEC validation failed";
	case DC_EDNSSEC:      return "DNSSEC validator or trust anchor unavailable";
	case DC_STATUS_MAX:   break;
	}
	return "unknown error";
}
