// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/drvhook: each device's chain (type, dev_id, hooks, policies,
 * clamped) and the registered types. Every device of the class is a
 * struct drvhook_dev made by device.c.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sysfs.h>
#include "internal.h"

static ssize_t policies_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct drvhook_dev *hd = to_drvhook_dev(dev);
	u32 h, nr = hd->type->nr_hooks;
	struct drvhook_entry *e;
	int len = 0, cpu;

	drvhook_fb_reap();	/* never list an entry whose programs are gone */
	mutex_lock(&drvhook_lock);
	list_for_each_entry(e, &hd->chain->list, node) {
		struct drvhook_stats sum = {};

		for_each_possible_cpu(cpu) {
			struct drvhook_stats *s = per_cpu_ptr(e->stats, cpu);

			for (h = 0; h < nr; h++) {
				sum.runs[h] += s->runs[h];
				sum.nonzero[h] += s->nonzero[h];
			}
			sum.clamped += s->clamped;
		}
		len += sysfs_emit_at(buf, len, "%s %s %#x %u %llu", e->name,
				     e->ops ? "struct_ops" : "fallback",
				     e->hooks, e->cookie, sum.clamped);
		for (h = 0; h < nr; h++)
			len += sysfs_emit_at(buf, len, " %s=%llu/%llu",
					     hd->type->hooks[h].name,
					     sum.runs[h], sum.nonzero[h]);
		len += sysfs_emit_at(buf, len, "\n");
	}
	mutex_unlock(&drvhook_lock);
	return len;
}
static DEVICE_ATTR_RO(policies);

static ssize_t clamped_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct drvhook_dev *hd = to_drvhook_dev(dev);
	int len = 0;
	u32 h;

	for (h = 0; h < hd->type->nr_hooks; h++)
		len += sysfs_emit_at(buf, len, "%s %lld\n",
				     hd->type->hooks[h].name,
				     atomic64_read(&hd->chain->clamped[h]));
	return len;
}
static DEVICE_ATTR_RO(clamped);

static int hook_names(const struct drvhook_type *t, char *buf, int len)
{
	u32 h;

	for (h = 0; h < t->nr_hooks; h++)
		len += sysfs_emit_at(buf, len, " %s", t->hooks[h].name);
	return len;
}

static ssize_t hooks_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	int len = hook_names(to_drvhook_dev(dev)->type, buf, 0);

	/* without the first blank */
	memmove(buf, buf + 1, len);
	buf[len - 1] = '\n';
	return len;
}
static DEVICE_ATTR_RO(hooks);

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_drvhook_dev(dev)->type->name);
}
static DEVICE_ATTR_RO(type);

static ssize_t dev_id_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", to_drvhook_dev(dev)->info.id);
}
static DEVICE_ATTR_RO(dev_id);

static struct attribute *drvhook_dev_attrs[] = {
	&dev_attr_policies.attr,
	&dev_attr_clamped.attr,
	&dev_attr_hooks.attr,
	&dev_attr_type.attr,
	&dev_attr_dev_id.attr,
	NULL
};
static const struct attribute_group drvhook_dev_group = {
	.attrs = drvhook_dev_attrs,
};
const struct attribute_group *drvhook_dev_groups[] = {
	&drvhook_dev_group,
	NULL
};

/* "TYPE MODULE HOOK..." per registered type */
static ssize_t types_show(drvhook_class_const struct class *class,
			  drvhook_class_const struct class_attribute *attr,
			  char *buf)
{
	struct drvhook_type_state *s;
	int len = 0;

	mutex_lock(&drvhook_lock);
	list_for_each_entry(s, &drvhook_types, node) {
		len += sysfs_emit_at(buf, len, "%s %s", s->type->name,
				     module_name(s->type->owner));
		len = hook_names(s->type, buf, len);
		len += sysfs_emit_at(buf, len, "\n");
	}
	mutex_unlock(&drvhook_lock);
	return len;
}
static CLASS_ATTR_RO(types);

static struct attribute *drvhook_class_attrs[] = {
	&class_attr_types.attr,
	NULL
};
static const struct attribute_group drvhook_class_group = {
	.attrs = drvhook_class_attrs,
};
const struct attribute_group *drvhook_class_groups[] = {
	&drvhook_class_group,
	NULL
};
