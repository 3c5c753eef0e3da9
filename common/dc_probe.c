/* SPDX-License-Identifier: ISC */
/* dc_probe.c - one server probed through one route (dc_probe.h). */
#include <string.h>
#include <sodium.h>

#include "dc_certfetch.h"
#include "dc_channel.h"
#include "dc_probe.h"
#include "dc_keypair.h"
#include "dc_query.h"

void dc_probe_run(struct dc_probe *p)
{
	const struct dc_config *cfg = p->cfg;
	uint64_t total = (uint64_t)cfg->total_timeout_ms, t0 = dc_now_ms();
	struct dc_cert_how how;
	struct dc_tserver ts;
	struct dc_keypair kp;
	struct dc_qres r;

	memset(&p->certs, 0, sizeof(p->certs));
	p->certs.best = -1;
	p->session = DC_ECERT;
	p->q[0] = p->q[1] = DC_ECERT;
	/* As the library asks: through the relay, padded as it pads. */
	p->fetch = dc_cert_query(cfg, p->st, p->relay,
				 p->relay ? (size_t)cfg->udp_max : 0, 1, t0 + total,
				 &r, &how);
	p->fetch_on[0] = how.on[0];
	p->fetch_on[1] = how.on[1];
	p->fetch_tcp = how.tcp;
	if (p->fetch == DC_OK) {
		p->rcode = r.abuf[3] & 0x0f;
		(void)dc_cert_list_txt_answer(r.abuf, r.alen, p->st->provider_pk,
					      p->now, &p->certs);
	}
	dc_qres_free(&r);
	p->fetch_ms = dc_now_ms() - t0;
	if (p->certs.best < 0)
		return;

	memset(&ts, 0, sizeof(ts));
	ts.stamp = p->st;
	ts.relay = p->relay;
	ts.udp_wire = (size_t)(p->relay ? cfg->udp_max : cfg->udp_size);
	dc_keypair_new(&kp);
	p->session = dc_session_init(&ts.session, &kp, &p->certs.cert[p->certs.best]);
	sodium_memzero(&kp, sizeof(kp));
	if (p->session != DC_OK || !p->queries)
		return;
	ts.has_session = 1;
	for (int tcp = 0; tcp <= 1; tcp++) {
		uint64_t s = dc_now_ms();

		p->q[tcp] = dc_ask_once(cfg, &ts, 1, tcp, ".", 2, s + total, &r);
		p->qms[tcp] = dc_now_ms() - s;
		if (p->q[tcp] == DC_OK)
			p->qrcode[tcp] = r.abuf[3] & 0x0f;
		dc_qres_free(&r);
	}
	sodium_memzero(&ts, sizeof(ts));
}
