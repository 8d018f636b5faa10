// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats [dev DEV]: per device, policy and hook: runs, nonzero verdicts,
 * clamped verdicts (the stub's counters), and each program's run_cnt and
 * run_time_ns (the kernel's, kernel.bpf_stats_enabled=1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "loader.h"

/*
 * The kernel keeps 15 characters of a program's name; its BTF has all of
 * it (as bpftool shows it).
 */
static void prog_full_name(int fd, __u32 btf_id, char *buf, size_t len)
{
	struct bpf_func_info finfo = {};
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	const struct btf_type *t;
	struct btf *btf;

	info.nr_func_info = 1;
	info.func_info_rec_size = sizeof(finfo);
	info.func_info = (__u64)(unsigned long)&finfo;
	if (bpf_prog_get_info_by_fd(fd, &info, &ilen))
		return;
	btf = btf__load_from_kernel_by_id(btf_id);
	if (!btf)
		return;
	t = btf__type_by_id(btf, finfo.type_id);
	if (t && btf_is_func(t))
		snprintf(buf, len, "%s", btf__name_by_offset(btf, t->name_off));
	btf__free(btf);
}

static void prog_stat(struct prog_stat *ps, int hook, __u32 link_id,
		      __u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	memset(ps, 0, sizeof(*ps));
	ps->hook = hook;
	ps->link_id = link_id;
	ps->prog_id = prog_id;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return;
	if (!bpf_prog_get_info_by_fd(fd, &info, &len)) {
		snprintf(ps->prog_name, sizeof(ps->prog_name), "%s", info.name);
		ps->run_cnt = info.run_cnt;
		ps->run_time_ns = info.run_time_ns;
		if (info.btf_id && info.nr_func_info)
			prog_full_name(fd, info.btf_id, ps->prog_name,
				       sizeof(ps->prog_name));
	}
	close(fd);
}

/*
 * The programs of a struct_ops link: the map's value holds, in each
 * function pointer of its 'data', the id of the program there.
 */
static int struct_ops_progs(int link_fd, const struct dev_type *t,
			    struct prog_stat *ps, int *n, __u32 *map_id)
{
	struct bpf_link_info li = {};
	struct bpf_map_info mi = {};
	__u32 len = sizeof(li), mlen = sizeof(mi), zero = 0, off = 0;
	const struct btf_type *vt, *dt = NULL, *mt;
	const struct btf_member *m;
	struct btf *vmlinux, *btf = NULL, *own = NULL;
	int map_fd = -1, i, h, err = -ENOENT;
	char *val = NULL;

	if (bpf_link_get_info_by_fd(link_fd, &li, &len))
		return -errno;
	*map_id = li.struct_ops.map_id;
	map_fd = bpf_map_get_fd_by_id(li.struct_ops.map_id);
	if (map_fd < 0)
		return -errno;
	if (bpf_map_get_info_by_fd(map_fd, &mi, &mlen))
		goto out;
	val = calloc(1, mi.value_size);
	if (!val || bpf_map_lookup_elem(map_fd, &zero, val))
		goto out;
	vmlinux = vmlinux_btf();
	if (!vmlinux)
		goto out;
	/* the module BTF the map's type is in, else the type's module's */
	if (mi.btf_vmlinux_id) {
		own = btf__load_from_kernel_by_id_split(mi.btf_vmlinux_id, vmlinux);
		btf = own;
	} else {
		btf = module_btf(t->module);
	}
	if (!btf)
		goto out;
	vt = btf__type_by_id(btf, mi.btf_vmlinux_value_type_id);
	for (i = 0, m = vt ? btf_members(vt) : NULL; vt && i < btf_vlen(vt); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "data")) {
			off = btf_member_bit_offset(vt, i) / 8;
			dt = btf__type_by_id(btf, m->type);
		}
	for (i = 0, m = dt ? btf_members(dt) : NULL; dt && i < btf_vlen(dt); i++, m++) {
		__u32 moff = off + btf_member_bit_offset(dt, i) / 8;
		unsigned long id;

		mt = btf__type_by_id(btf, m->type);
		h = type_hook(t, btf__name_by_offset(btf, m->name_off));
		if (h < 0 || !mt || !btf_is_ptr(mt) || moff + sizeof(id) > mi.value_size)
			continue;
		memcpy(&id, val + moff, sizeof(id));
		if (id)
			prog_stat(&ps[(*n)++], h, li.id, id);
	}
	err = 0;
out:
	btf__free(own);
	free(val);
	close(map_fd);
	return err;
}

/* The programs of the policy pinned at @pin, by hook. */
int policy_progs(const struct pin_info *pin, struct prog_stat *ps, int *n,
		 __u32 *map_id)
{
	struct bpf_link_info li;
	char path[600];
	__u32 len;
	int fd, h, err = 0;

	*n = 0;
	*map_id = 0;
	if (pin->link) {
		snprintf(path, sizeof(path), "%s/link", pin->dir);
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		err = struct_ops_progs(fd, &pin->dt, ps, n, map_id);
		close(fd);
		return err;
	}
	for (h = 0; h < pin->dt.nr_hooks; h++) {
		if (!(pin->hooks & (1U << h)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin->dir, pin->dt.hooks[h]);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		memset(&li, 0, sizeof(li));
		len = sizeof(li);
		if (!bpf_link_get_info_by_fd(fd, &li, &len))
			prog_stat(&ps[(*n)++], h, li.id, li.prog_id);
		close(fd);
	}
	return err;
}

/* The stats of the program serving hook @h, if the policy has one. */
static const struct prog_stat *stat_of(const struct prog_stat *ps, int n, int h)
{
	const struct prog_stat *s = NULL;
	int j;

	for (j = 0; j < n; j++)
		if (ps[j].hook == h)
			s = &ps[j];
	return s;
}

static void json_dev_stats(const struct dev_info *d, bool privs)
{
	struct prog_stat ps[DRVHOOK_MAX_HOOKS];
	struct pin_info pin;
	__u32 map_id;
	int i, h, n;

	jsonw_start_object(jw);
	jsonw_string_field(jw, "dev", d->name);
	jsonw_string_field(jw, "type", d->dt.name);
	jsonw_uint_field(jw, "dev_id", d->dev_id);
	json_hook_counts(&d->dt, "clamped", d->clamped);
	jsonw_name(jw, "policies");
	jsonw_start_array(jw);
	for (i = 0; i < d->npols; i++) {
		const struct pol_line *p = &d->pols[i];

		n = 0;
		if (privs && !pin_read(d->name, p->name, &pin))
			policy_progs(&pin, ps, &n, &map_id);
		jsonw_start_object(jw);
		jsonw_string_field(jw, "name", p->name);
		jsonw_string_field(jw, "mode", p->mode);
		jsonw_uint_field(jw, "clamped", p->clamped);
		jsonw_name(jw, "hooks");
		jsonw_start_object(jw);
		for (h = 0; h < d->dt.nr_hooks; h++) {
			const struct prog_stat *s = stat_of(ps, n, h);

			if (!(p->hooks & (1U << h)))
				continue;
			jsonw_name(jw, d->dt.hooks[h]);
			jsonw_start_object(jw);
			jsonw_uint_field(jw, "runs", p->runs[h]);
			jsonw_uint_field(jw, "nonzero", p->nonzero[h]);
			if (s) {
				jsonw_uint_field(jw, "prog_id", s->prog_id);
				jsonw_string_field(jw, "prog_name", s->prog_name);
				jsonw_uint_field(jw, "run_cnt", s->run_cnt);
				jsonw_uint_field(jw, "run_time_ns", s->run_time_ns);
			} else {
				jsonw_null_field(jw, "prog_id");
				jsonw_null_field(jw, "prog_name");
				jsonw_null_field(jw, "run_cnt");
				jsonw_null_field(jw, "run_time_ns");
			}
			jsonw_end_object(jw);
		}
		jsonw_end_object(jw);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

/* Returns the sum of run_cnt printed, to tell "stats off" from "idle". */
static unsigned long long print_dev_stats(const struct dev_info *d, bool privs)
{
	char runs[24], nz[24], cl[24], rc[24], rt[24], pid[24];
	struct prog_stat ps[DRVHOOK_MAX_HOOKS];
	unsigned long long total = 0;
	struct pin_info pin;
	struct table *t;
	__u32 map_id;
	int i, h, n;
	bool first;

	printf("%s (type %s, dev_id %u): clamped verdicts:", d->name,
	       d->dt.name, d->dev_id);
	for (h = 0; h < d->dt.nr_hooks; h++)
		printf(" %s %llu", d->dt.hooks[h], d->clamped[h]);
	putchar('\n');
	if (!d->npols) {
		printf("  no policies\n");
		return 0;
	}
	t = table_new(9, "POLICY", "MODE", "CLAMPED", "HOOK", "RUNS", "NONZERO",
		      "PROG ID", "RUN_CNT", "RUN_TIME_NS");
	for (i = 0; i < d->npols; i++) {
		const struct pol_line *p = &d->pols[i];

		n = 0;
		if (privs && !pin_read(d->name, p->name, &pin))
			policy_progs(&pin, ps, &n, &map_id);
		first = true;
		for (h = 0; h < d->dt.nr_hooks; h++) {
			const struct prog_stat *s = stat_of(ps, n, h);

			if (!(p->hooks & (1U << h)))
				continue;
			snprintf(runs, sizeof(runs), "%llu", p->runs[h]);
			snprintf(nz, sizeof(nz), "%llu", p->nonzero[h]);
			snprintf(cl, sizeof(cl), "%llu", p->clamped);
			snprintf(pid, sizeof(pid), "-");
			snprintf(rc, sizeof(rc), "-");
			snprintf(rt, sizeof(rt), "-");
			if (s) {
				snprintf(pid, sizeof(pid), "%u", s->prog_id);
				snprintf(rc, sizeof(rc), "%llu",
					 (unsigned long long)s->run_cnt);
				snprintf(rt, sizeof(rt), "%llu",
					 (unsigned long long)s->run_time_ns);
				total += s->run_cnt;
			}
			table_row(t, first ? p->name : "", first ? p->mode : "",
				  first ? cl : "", d->dt.hooks[h], runs, nz, pid,
				  rc, rt);
			first = false;
		}
	}
	table_print(t, "  ");
	table_free(t);
	return total;
}

static int do_show(const char *dev)
{
	bool privs = have_bpf_privs(), enabled = bpf_stats_enabled();
	struct dev_info *devs = NULL, one;
	unsigned long long total = 0;
	int n = 0, i, err;

	if (dev) {
		err = need_device(dev, &one);
		if (err)
			return err;
		devs = malloc(sizeof(one));
		if (!devs) {
			dev_free(&one);
			return fail(EXIT_FAIL, "out of memory");
		}
		devs[0] = one;
		n = 1;
	} else {
		err = dev_list(&devs, &n);
		if (err)
			return fail(EXIT_FAIL, "cannot read %s: %s", sysfs_root(),
				    strerror(-err));
	}
	if (!privs)
		warn("not root: per-program run_cnt/run_time_ns omitted");
	if (json_output) {
		jsonw_start_object(jw);
		jsonw_bool_field(jw, "bpf_stats_enabled", enabled);
		jsonw_name(jw, "devices");
		jsonw_start_array(jw);
		for (i = 0; i < n; i++)
			json_dev_stats(&devs[i], privs);
		jsonw_end_array(jw);
		jsonw_end_object(jw);
	} else {
		if (!n)
			printf("no drvhook devices%s\n",
			       module_loaded() ? "" : " (stub module not loaded)");
		for (i = 0; i < n; i++)
			total += print_dev_stats(&devs[i], privs);
		if (n && !enabled && !total)
			printf("kernel.bpf_stats_enabled=0: RUN_CNT and RUN_TIME_NS stay 0 (sysctl -w kernel.bpf_stats_enabled=1)\n");
	}
	devs_free(devs, n);
	return 0;
}

static int do_help(void)
{
	if (help_json())
		return 0;
	printf("Usage: drvhook [OPTIONS] stats [dev DEV]\n"
	       "       drvhook stats help\n"
	       "\n"
	       "Per device (all, or DEV), per policy in run order, per hook:\n"
	       "RUNS and NONZERO (verdicts other than the default) and CLAMPED\n"
	       "(verdicts outside the hook's contract), counted by the stub; and\n"
	       "the program's RUN_CNT/RUN_TIME_NS, counted by the kernel when\n"
	       "kernel.bpf_stats_enabled=1 (those need root).\n");
	return 0;
}

int do_stats(int argc, char **argv)
{
	if (argc && is_prefix(*argv, "help"))
		return do_help();
	if (!argc)
		return do_show(NULL);
	if (argc == 2 && !strcmp(argv[0], "dev")) {
		const char *dev;

		return dev_arg(argv[1], &dev) ?: do_show(dev);
	}
	return usage_error("stats takes [dev DEV]");
}
