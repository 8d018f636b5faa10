// SPDX-License-Identifier: GPL-2.0
/*
 * edutest's unbind tests: a request in a state the stub must not let
 * block or outlive an unbind (edutest.c lists the commands). Each forks
 * the process doing the request and drives the unbind itself, so that the
 * steps follow each other within milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "drvhook.h"
#include "eduunbind.h"

#define DRV "/sys/bus/pci/drivers/drvhook_edu/"

static int open_edu(const char *dev)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", dev);
	return open(path, O_RDWR);
}

static volatile sig_atomic_t go;

static void on_go(int sig __attribute__((unused)))
{
	go = 1;
}

/*
 * The fault server, a child (the fault is in the parent's memory, which
 * it reaches through the inherited uffd): prints "fault PID" once a fault
 * is pending, and resolves it on SIGUSR1.
 */
static void uffd_server(int uffd, void *page, const sigset_t *unblocked)
{
	static unsigned char fill[4096];
	struct uffdio_copy copy = {
		.dst = (uintptr_t)page, .src = (uintptr_t)fill, .len = 4096,
	};
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&pfd, 1, 20000) != 1 ||
	    read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		printf("# no fault within 20 s\n");
		_exit(1);
	}
	printf("fault %d\n", (int)getpid());
	fflush(stdout);
	while (!go)
		sigsuspend(unblocked);
	if (ioctl(uffd, UFFDIO_COPY, &copy))
		printf("# UFFDIO_COPY: %s\n", errname(errno));
	_exit(0);
}

int cmd_uffd_dma(const char *dev, const char *dir)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct edu_dma d = { .len = 4096 };
	int from = !strcmp(dir, "from"), fd, uffd, err;
	sigset_t mask, old;
	void *page;
	pid_t pid;

	fd = open_edu(dev);
	if (fd < 0)
		return printf("error %s\n", errname(errno)), 1;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		return printf("nouffd %s\n", errname(errno)), 1;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)page;
	reg.range.len = 4096;
	if (page == MAP_FAILED || ioctl(uffd, UFFDIO_REGISTER, &reg))
		return printf("error %s\n", errname(errno)), 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	signal(SIGUSR1, on_go);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		uffd_server(uffd, page, &old);
	d.buf = (uintptr_t)page;
	err = ioctl(fd, from ? EDU_IOC_DMA_FROM : EDU_IOC_DMA_TO, &d) ? errno : 0;
	waitpid(pid, NULL, 0);
	printf("%s%s\n", err ? "error " : "ok", err ? errname(err) : "");
	return 0;
}
