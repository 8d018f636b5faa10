// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * edu-ctl DEV { ping VALUE | fact N }: one request to an edu device, for
 * the guest tests (test-guest-run.sh). Prints the result, or the errno
 * string of a failed request (exit 2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "../include/drvhook.h"

int main(int argc, char **argv)
{
	struct edu_fact f = {};
	__u64 v;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: edu-ctl DEV { ping VALUE | fact N }\n");
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (!strcmp(argv[2], "ping")) {
		v = strtoull(argv[3], NULL, 0);
		if (ioctl(fd, EDU_IOC_PING, &v)) {
			printf("ping: %s\n", strerror(errno));
			return 2;
		}
		printf("ping %#llx\n", (unsigned long long)v);
	} else if (!strcmp(argv[2], "fact")) {
		f.in = strtoul(argv[3], NULL, 0);
		if (ioctl(fd, EDU_IOC_FACT, &f)) {
			printf("fact: %s\n", strerror(errno));
			return 2;
		}
		printf("fact %u -> %llu\n", f.in, (unsigned long long)f.out);
	} else {
		fprintf(stderr, "edu-ctl: unknown request '%s'\n", argv[2]);
		return 1;
	}
	close(fd);
	return 0;
}
