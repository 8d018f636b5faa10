/* SPDX-License-Identifier: GPL-2.0 */
/* edutest's unbind tests (eduunbind.c) and what they share with edutest.c */
#ifndef EDUUNBIND_H
#define EDUUNBIND_H

const char *errname(int e);

int cmd_uffd_dma(const char *dev, const char *dir);

#endif
