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
 * link's last reference ends it (a pin's reference goes after an RCU grace
 * period: allow a few seconds).
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
