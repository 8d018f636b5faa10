/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference drvhook_edu deals with besides the
 * core's (../core/compat.h), each with the version it is for.
 */
#ifndef _DRVHOOK_EDU_COMPAT_H
#define _DRVHOOK_EDU_COMPAT_H

#include <linux/pci.h>

/* PCI_IRQ_LEGACY became PCI_IRQ_INTX: 6.10. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX		PCI_IRQ_LEGACY
#endif

#endif
