// SPDX-License-Identifier: GPL-2.0
/*
 * vdevtest: drives /dev/vdevN, the test-only device type of
 * selftests/kmod/vdev/, for the guest tests. Prints what the device
 * answered, or "error <errno-name>".
 *
 *   vdevtest submit DEV VALUE	VDEV_IOC_SUBMIT of VALUE: "out=<answer>
 *				notified=<0|1>"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kmod/vdev/vdev.h"

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	struct vdev_req r = {};
	char path[64];
	int fd;

	if (argc != 4 || strcmp(argv[1], "submit")) {
		fprintf(stderr, "usage: vdevtest submit DEV VALUE\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/%s", argv[2]);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("error %s\n", errname(errno));
		return 1;
	}
	r.in = strtoull(argv[3], NULL, 0);
	if (ioctl(fd, VDEV_IOC_SUBMIT, &r)) {
		printf("error %s\n", errname(errno));
		return 1;
	}
	printf("out=%llu notified=%u\n", (unsigned long long)r.out, r.notified);
	return 0;
}
