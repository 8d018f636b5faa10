// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq_coalesce: under interrupt load, move completions out of the hard
 * IRQ handler into the IRQ thread. The irq hook answers
 * EDU_IRQ_THREAD when, on this device,
 *   - more than 'thread_inflight' requests are in flight, or
 *   - more than 'thread_irqs' interrupts came within the current window
 *     of 'window_ns' (a fixed window per device, restarted when it ends),
 * and EDU_IRQ_WAKE otherwise. Either way the request completes: the
 * thread completes it too, only later and preemptibly.
 *
 * (The edu part serialises requests on its hardware, so 'inflight' is 1
 * in practice; the rate rule is the one that triggers.)
 *
 * Map irqc_stats (array, key: device id): decisions counted, wake and
 * thread. Defaults: window 1 s, thread above 4 interrupts per window or
 * above 1 request in flight.
 */
#include <linux/bpf.h>
#include "edu.bpf.h"

const volatile __u64 window_ns = 1000000000ULL;
const volatile __u32 thread_irqs = 4;
const volatile __u32 thread_inflight = 1;

struct irqc_stats {
	__u64 wake;
	__u64 thread;
	__u64 window_start;	/* ns */
	__u64 window_irqs;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DRVHOOK_MAX_DEVS);
	__type(key, __u32);
	__type(value, struct irqc_stats);
} irqc_stats SEC(".maps");

EDU_IRQ(irq_coalesce_irq, irq)
{
	__u64 now = bpf_ktime_get_ns(), n;
	__u32 id = irq->dev.id;
	struct irqc_stats *s;

	s = bpf_map_lookup_elem(&irqc_stats, &id);
	if (!s)
		return EDU_IRQ_WAKE;
	/* one device's interrupts are not concurrent: no lock needed */
	if (now - s->window_start >= window_ns) {
		s->window_start = now;
		s->window_irqs = 0;
	}
	n = ++s->window_irqs;
	if (n > thread_irqs || irq->inflight > thread_inflight) {
		__sync_fetch_and_add(&s->thread, 1);
		return EDU_IRQ_THREAD;
	}
	__sync_fetch_and_add(&s->wake, 1);
	return EDU_IRQ_WAKE;
}

SEC(".struct_ops.link")
struct edu_ops irq_coalesce = {
	.irq = (void *)irq_coalesce_irq,
	.name = "irq_coalesce",
};
