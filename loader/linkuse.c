// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * After policy detach: what the chain says, and who keeps a policy there.
 *
 * A struct_ops link detaches with BPF_LINK_DETACH from Linux 6.11 on
 * ("bpf: enable detaching links of struct_ops objects"). Before (6.9,
 * 6.10: EOPNOTSUPP), the policy leaves its chain only when the link's
 * last reference goes: a link fd another process holds, or another pin,
 * keeps it there after its pins are removed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include "loader.h"

/* Does /proc/<pid>/fdinfo/<fd> describe BPF link @id? */
static bool fdinfo_is_link(const char *path, __u32 id)
{
	char line[128];
	unsigned int v;
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "link_id: %u", &v) == 1 && v == id;
	fclose(f);
	return found;
}

/* "pid N (comm), ..." of the other processes holding link @id, in @buf */
static int link_holders(__u32 id, char *buf, size_t len)
{
	char path[600], comm[64];
	struct dirent *pe, *fe;
	DIR *proc, *fds;
	size_t off = 0;
	int n = 0;
	FILE *f;

	buf[0] = '\0';
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((pe = readdir(proc))) {
		if (pe->d_name[0] < '1' || pe->d_name[0] > '9' ||
		    atoi(pe->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", pe->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fe = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s",
				 pe->d_name, fe->d_name);
			if (fe->d_name[0] == '.' || !fdinfo_is_link(path, id))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/comm", pe->d_name);
			comm[0] = '\0';
			f = fopen(path, "r");
			if (f) {
				if (!fgets(comm, sizeof(comm), f))
					comm[0] = '\0';
				comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			if (off < len)
				off += snprintf(buf + off, len - off, "%spid %s (%s)",
						n ? ", " : "", pe->d_name, comm);
			n++;
			break;
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

/* Is policy @name in @dev's chain? No device to read: no. */
static bool in_chain(const char *dev, const char *name)
{
	struct dev_info d;
	bool listed;

	if (dev_read(dev, &d))
		return false;
	listed = dev_policy(&d, name);
	dev_free(&d);
	return listed;
}

/*
 * After a detach: fails, saying why, if the chain still lists policy @name.
 * @kept: the kernel could not detach its struct_ops link @link_id, so the
 * link's last reference ends it (a removed pin's reference goes later, from
 * a workqueue: allow a few seconds).
 */
int detach_verify(const char *dev, const char *name, bool kept, __u32 link_id)
{
	char who[256];
	struct utsname u;
	int i;

	for (i = 0; in_chain(dev, name); i++) {
		if (!kept || i == 60)
			goto listed;
		usleep(50 * 1000);
	}
	return 0;
listed:
	if (!kept)
		return fail(EXIT_FAIL, "policy '%s' is still in %s's chain after detach (attached again meanwhile?)",
			    name, dev);
	if (!link_holders(link_id, who, sizeof(who)))
		snprintf(who, sizeof(who), "another process (or another pin)");
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	return fail(EXIT_FEATURE, "policy '%s' is still in %s's chain: %s holds its struct_ops link %u, and Linux %s cannot detach struct_ops links (6.11 can); its pins are gone: it leaves the chain when that link is closed",
		    name, dev, who, link_id, u.release);
}

/* The ids of the fentry links pinned for policy @p, and of their programs. */
int fb_link_ids(const struct pin_info *p, struct link_ids *ids)
{
	struct bpf_link_info li;
	char path[600];
	__u32 len;
	int h, fd;

	memset(ids, 0, sizeof(*ids));
	for (h = 0; h < p->dt.nr_hooks; h++) {
		if (!(p->hooks & (1U << h)))
			continue;
		hook_pin(path, sizeof(path), p->dir, &p->dt, h, "");
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&li, 0, sizeof(li));
		len = sizeof(li);
		if (!bpf_link_get_info_by_fd(fd, &li, &len)) {
			ids->link[ids->n] = li.id;
			ids->prog[ids->n++] = li.prog_id;
		}
		close(fd);
	}
	return ids->n;
}

static bool id_exists(int (*get)(__u32 id), __u32 id)
{
	int fd = get(id);

	if (fd < 0)
		return errno != ENOENT;
	close(fd);
	return true;
}

static int link_by_id(__u32 id)
{
	return bpf_link_get_fd_by_id(id);
}

static int prog_by_id(__u32 id)
{
	return bpf_prog_get_fd_by_id(id);
}

/*
 * Waits (up to 5 s) until the kernel has released the links of @ids, their
 * pins removed: the last reference goes from a workqueue, and the program
 * leaves the trampoline before it is put. Returns how many links are
 * still there (another process holds them: named in @who).
 */
int fb_links_wait(const struct link_ids *ids, char *who, size_t len)
{
	int i, t, held = 0;
	size_t off = 0;
	char one[200];

	for (t = 0; t < 100; t++) {
		held = 0;
		for (i = 0; i < ids->n; i++)
			if (id_exists(link_by_id, ids->link[i]) ||
			    id_exists(prog_by_id, ids->prog[i]))
				held++;
		if (!held)
			return 0;
		usleep(50 * 1000);
	}
	held = 0;
	who[0] = '\0';
	for (i = 0; i < ids->n; i++) {
		if (!id_exists(link_by_id, ids->link[i]))
			continue;	/* released; its program is held elsewhere */
		if (!link_holders(ids->link[i], one, sizeof(one)))
			snprintf(one, sizeof(one), "another process (or another pin)");
		if (off < len)
			off += snprintf(who + off, len - off, "%slink %u: %s",
					held ? "; " : "", ids->link[i], one);
		held++;
	}
	return held;
}
