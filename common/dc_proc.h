/* SPDX-License-Identifier: ISC */
/* dc_proc.h - is this still the process that made the module's state?
 *
 * fork() runs the pthread_atfork handlers, but a child of _Fork() (glibc
 * 2.34+) or of a raw clone() without CLONE_VM runs none, and a
 * single-threaded program may resolve there (glibc restricts a _Fork()
 * child to async-signal-safe calls only when the parent had several
 * threads).  Such a child must not go on with its parent's key pair,
 * shared keys, nonce pool and sockets.  The mark is a page the kernel
 * zeroes in every child (MADV_WIPEONFORK, Linux 4.14): checking it costs
 * one load per lookup; where the kernel refuses the advice, the pid
 * recorded with it is compared instead (a getpid() system call).
 */
#ifndef DC_PROC_H
#define DC_PROC_H

/* Map the page and mark this process: 0, or -1 with errno. */
int dc_proc_init(void);

/* 1 when this process has not been marked since it was made: a child
 * (of any kind but CLONE_VM) of the process that marked it. */
int dc_proc_is_new(void);

/* This process's state is its own from now on (after the fork child
 * handler, or after rebuilding it for a child dc_proc_is_new found). */
void dc_proc_mark(void);

#endif
