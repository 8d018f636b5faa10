/* SPDX-License-Identifier: GPL-2.0 */
/* edutest's unbind tests (eduunbind.c) and what they share with edutest.c */
#ifndef EDUUNBIND_H
#define EDUUNBIND_H

const char *errname(int e);
int dma_roundtrip(int fd, unsigned int seed, unsigned int len,
		  unsigned char *out, unsigned char *in);

int cmd_uffd_dma(const char *dev, const char *dir);
int cmd_dma_unbind(const char *dev, const char *pci);
int cmd_fact_unbind(const char *dev, const char *pci, unsigned int n);

#endif
