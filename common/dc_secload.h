/* SPDX-License-Identifier: ISC */
/* dc_secload.h - finding and loading the DNSSEC validator object
 * (dc_dnssec.h) once per process, only when a configuration says
 * "dnssec validate". */
#ifndef DC_SECLOAD_H
#define DC_SECLOAD_H

#include <stddef.h>
#include "dc_dnssec.h"
#include "dc_status.h"

/* The validator's operations: the object DC_SEC_OBJECT in the directory
 * of the object holding this code (the NSS module, the preload library,
 * or, for a program linked with libdc, the program's directory and then
 * DC_LIBDIR), never a path from the environment.  dlopen(RTLD_NOW |
 * RTLD_LOCAL) once per process (later calls return the first outcome),
 * never closed.  DC_OK with *ops, or DC_EDNSSEC with the reason in err
 * ("path: cannot load: ...", "path: no dc_sec_ops_v1", "path: abi 2, not
 * 1").  errno is preserved. */
dc_status dc_secload_ops(const struct dc_sec_ops **ops, char *err, size_t errlen);

/* Without loading it: DC_OK when the validator is loaded or its object is
 * where dc_secload_ops would look (a regular file), else DC_EDNSSEC with
 * the reason in err.  errno is preserved.  The object is loaded only when
 * an answer must be validated (dc_secval.c), so that a new process whose
 * answers' verdicts are on disk does not pay for ldns and libcrypto. */
dc_status dc_secload_present(char *err, size_t errlen);

#endif
