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
#include "drvhook/edu.h"
#include "eduunbind.h"

#define DRV "/sys/bus/pci/drivers/drvhook_edu/"

static int open_edu(const char *dev)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", dev);
	return open(path, O_RDWR);
}

/* writes PCI to the driver's bind or unbind file: 0 or errno */
static int drv_write(const char *file, const char *pci)
{
	int fd = open(file, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, pci, strlen(pci)) < 0)
		err = errno;
	close(fd);
	return err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* the state letter of /proc/PID/stat, or 0 */
static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : 0;
}

/* a 32-bit register of an unbound device's BAR 0: 0, or errno */
static int bar_reg(const char *pci, unsigned long off, uint32_t *v)
{
	char path[96];
	volatile uint32_t *bar;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", pci);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return errno;
	bar = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		err = errno;
	} else {
		*v = bar[off / 4];
		munmap((void *)bar, 4096);
	}
	close(fd);
	return err;
}

/* the child's errno (its exit status), "killed" or "lost" */
static const char *child_end(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return "lost";
	if (WIFSIGNALED(st))
		return "killed";
	return WEXITSTATUS(st) ? errname(WEXITSTATUS(st)) : "ok";
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
	if (poll(&pfd, 1, 60000) != 1 ||
	    read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		printf("# no fault within 60 s\n");
		_exit(1);
	}
	printf("fault %d\n", (int)getpid());
	fflush(stdout);
	alarm(60);	/* never told: die, the fault then ends in the parent */
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
	/* the server's copy alone keeps the uffd: if it dies, the fault fails */
	close(uffd);
	d.buf = (uintptr_t)page;
	err = ioctl(fd, from ? EDU_IOC_DMA_FROM : EDU_IOC_DMA_TO, &d) ? errno : 0;
	waitpid(pid, NULL, 0);
	printf("%s%s\n", err ? "error " : "ok", err ? errname(err) : "");
	return 0;
}

/*
 * A DMA from the device is started, and the device unbound while the
 * engine still runs (its timer: 100 ms); then bound again and a round
 * trip done at once. The stub must have waited the engine out: a running
 * one ignores the next bind's DMA registers and completes the old
 * transfer in their place.
 */
int cmd_dma_unbind(const char *dev, const char *pci)
{
	static unsigned char out[EDU_DMA_SIZE], in[EDU_DMA_SIZE];
	struct edu_dma d = { .len = EDU_DMA_SIZE, .buf = (uintptr_t)in };
	const char *first;
	int fd, err, i;
	uint32_t cmd = 0;
	long long t0;
	pid_t pid;

	fd = open_edu(dev);
	if (fd < 0)
		return printf("error %s\n", errname(errno)), 1;
	if (dma_roundtrip(fd, 7, EDU_DMA_SIZE, out, in))
		return 1;
	pid = fork();
	if (pid == 0)
		_exit(ioctl(fd, EDU_IOC_DMA_FROM, &d) ? errno : 0);
	/* D: in the stub's wait for the engine, the command written */
	for (i = 0; i < 5000 && proc_state(pid) != 'D'; i++)
		usleep(1000);
	t0 = now_ms();
	err = drv_write(DRV "unbind", pci);
	if (err)
		return printf("error unbind %s\n", errname(err)), 1;
	fprintf(stderr, "# dma-unbind: the unbind took %lld ms\n", now_ms() - t0);
	err = bar_reg(pci, 0x98, &cmd);
	first = child_end(pid);
	close(fd);
	if (err)
		return printf("error reg %s\n", errname(err)), 1;
	err = drv_write(DRV "bind", pci);
	if (err)
		return printf("error bind %s\n", errname(err)), 1;
	for (i = 0; i < 5000 && (fd = open_edu(dev)) < 0; i++)
		usleep(1000);
	if (fd < 0)
		return printf("error %s\n", errname(errno)), 1;
	printf("dma=%s first=%s ", cmd & 1 ? "running" : "idle", first);
	if (dma_roundtrip(fd, 8, EDU_DMA_SIZE, out, in))
		return 1;
	printf("next=%s\n", memcmp(in, out, sizeof(in)) ? "differ" : "same");
	return 0;
}

/* a child doing a factorial of N; its errno and end time through PIPEFD */
static pid_t fact_child(int fd, unsigned int n, int pipefd)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct edu_fact f = { .in = n };
		long long r[2];

		r[0] = ioctl(fd, EDU_IOC_FACT, &f) ? errno : 0;
		r[1] = now_ms();
		_exit(write(pipefd, r, sizeof(r)) != sizeof(r));
	}
	return pid;
}

/*
 * A factorial of N (seconds of device time) times out; the next waits in
 * the stub for the device to finish it, and the device is unbound under
 * that wait: the waiter must end with ENODEV at once, not wait on for an
 * interrupt or its timeout.
 */
int cmd_fact_unbind(const char *dev, const char *pci, unsigned int n)
{
	long long first[2], waiter[2], t0;
	int fd, p[2], err;
	pid_t pid;

	fd = open_edu(dev);
	if (fd < 0 || pipe(p))
		return printf("error %s\n", errname(errno)), 1;
	pid = fact_child(fd, n, p[1]);
	if (read(p[0], first, sizeof(first)) != sizeof(first))
		return printf("error first lost\n"), 1;
	waitpid(pid, NULL, 0);
	pid = fact_child(fd, 5, p[1]);
	usleep(300000);
	t0 = now_ms();
	err = drv_write(DRV "unbind", pci);
	if (err)
		return printf("error unbind %s\n", errname(err)), 1;
	if (read(p[0], waiter, sizeof(waiter)) != sizeof(waiter))
		return printf("error waiter lost\n"), 1;
	waitpid(pid, NULL, 0);
	close(fd);
	err = drv_write(DRV "bind", pci);
	printf("first=%s waiter=%s in=%lld%s\n",
	       first[0] ? errname(first[0]) : "ok",
	       waiter[0] ? errname(waiter[0]) : "ok", waiter[1] - t0,
	       err ? " bind failed" : "");
	return 0;
}
