// SPDX-License-Identifier: GPL-2.0
/*
 * Device types and their devices. A device module registers its type
 * (made by drvhook_type.h) at load; each of its devices takes the lowest
 * free id of that type, and the core publishes it as
 * /sys/class/drvhook/<type><id>.
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include "internal.h"

LIST_HEAD(drvhook_types);

/* Caller holds drvhook_lock or rcu_read_lock(). */
struct drvhook_type *drvhook_type_find(const char *name)
{
	struct drvhook_type_state *s;

	list_for_each_entry_rcu(s, &drvhook_types, node,
				lockdep_is_held(&drvhook_lock)) {
		if (!strncmp(s->type->name, name, DRVHOOK_NAME_LEN))
			return s->type;
	}
	return NULL;
}

static bool type_valid(const struct drvhook_type *t)
{
	u32 h;

	if (!t->name || !t->name[0] || strlen(t->name) >= DRVHOOK_NAME_LEN ||
	    !strcmp(t->name, "types") || !t->nr_hooks ||
	    t->nr_hooks > DRVHOOK_MAX_HOOKS || !t->fields || !t->attached ||
	    !t->fb_call || !t->ops_call)
		return false;
	for (h = 0; h < t->nr_hooks; h++)
		if (!t->hooks[h].name || !t->hooks[h].ctx_name)
			return false;
	return true;
}

/**
 * drvhook_type_register() - add a device type to the core
 * @t: the type, made by drvhook_type.h
 *
 * Return: 0, -EINVAL for a malformed type, -EEXIST if a type of that
 * name is registered, -ENOMEM.
 */
int drvhook_type_register(struct drvhook_type *t)
{
	struct drvhook_type_state *s;
	int i, err = 0;

	if (!type_valid(t))
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < DRVHOOK_MAX_DEVS; i++) {
		INIT_LIST_HEAD(&s->chains[i].list);
		s->chains[i].type = t;
		s->chains[i].id = i;
	}
	s->type = t;
	mutex_lock(&drvhook_lock);
	if (drvhook_type_find(t->name)) {
		err = -EEXIST;
	} else {
		t->state = s;
		list_add_tail_rcu(&s->node, &drvhook_types);
	}
	mutex_unlock(&drvhook_lock);
	if (err)
		kfree(s);
	return err;
}
EXPORT_SYMBOL_GPL(drvhook_type_register);

/**
 * drvhook_type_unregister() - remove a device type, at its module's exit
 * @t: a registered type with no device left
 *
 * A loaded policy holds a reference on the type's module (struct_ops
 * maps and fentry programs alike), so only fallback entries whose
 * programs are gone can be left: they go with the type.
 */
void drvhook_type_unregister(struct drvhook_type *t)
{
	struct drvhook_type_state *s = t->state;
	struct drvhook_entry *e, *tmp;
	struct drvhook_chain *c;

	if (!s)
		return;
	mutex_lock(&drvhook_lock);
	list_del_rcu(&s->node);
	for_each_drvhook_chain(t, c) {
		WARN_ON(c->hd);
		list_for_each_entry_safe(e, tmp, &c->list, node)
			drvhook_chain_remove(e);
	}
	mutex_unlock(&drvhook_lock);
	synchronize_rcu();
	t->state = NULL;
	kfree(s);
}
EXPORT_SYMBOL_GPL(drvhook_type_unregister);

/**
 * drvhook_dev_init() - claim a device id and initialize the class device
 * @hd: embedded in the driver's device struct
 * @type: the device's type, registered
 * @parent: the bus device, or NULL
 * @release: frees the driver's struct when the last reference goes
 *
 * The policies attached to the id apply from here on. On success the
 * caller ends with drvhook_dev_del() and put_device(&hd->dev); on error
 * @release has not been called and nothing is to be undone.
 *
 * Return: 0, -ENOSPC when every id of the type is taken, -ENOMEM.
 */
int drvhook_dev_init(struct drvhook_dev *hd, struct drvhook_type *type,
		     struct device *parent, void (*release)(struct device *))
{
	struct drvhook_chain *c;
	int err = -ENOSPC;

	mutex_lock(&drvhook_lock);
	for_each_drvhook_chain(type, c) {
		if (!c->hd) {
			c->hd = hd;
			err = 0;
			break;
		}
	}
	mutex_unlock(&drvhook_lock);
	if (err)
		return err;
	/* named before device_initialize(): a failure leaves nothing to put */
	err = dev_set_name(&hd->dev, "%s%u", type->name, c->id);
	if (err) {
		mutex_lock(&drvhook_lock);
		c->hd = NULL;
		mutex_unlock(&drvhook_lock);
		return err;
	}
	hd->type = type;
	hd->chain = c;
	hd->nr = c->nr;
	hd->info.id = c->id;
	device_initialize(&hd->dev);
	hd->dev.class = &drvhook_class;
	hd->dev.parent = parent;
	hd->dev.release = release;
	/* entries whose programs went while no device had the id */
	drvhook_fb_reap();
	return 0;
}
EXPORT_SYMBOL_GPL(drvhook_dev_init);

/**
 * drvhook_dev_add() - publish a device initialized by drvhook_dev_init()
 * @hd: the device
 * @cdev: its char device (hd->dev.devt set), or NULL
 *
 * Return: 0 or the -errno of device_add().
 */
int drvhook_dev_add(struct drvhook_dev *hd, struct cdev *cdev)
{
	return cdev ? cdev_device_add(cdev, &hd->dev) : device_add(&hd->dev);
}
EXPORT_SYMBOL_GPL(drvhook_dev_add);

/**
 * drvhook_dev_del() - unpublish a device and free its id
 * @hd: a device drvhook_dev_init() succeeded on, added or not
 * @cdev: what was given to drvhook_dev_add()
 *
 * The id's policies stay attached, for the next device taking the id.
 */
void drvhook_dev_del(struct drvhook_dev *hd, struct cdev *cdev)
{
	if (device_is_registered(&hd->dev)) {
		if (cdev)
			cdev_device_del(cdev, &hd->dev);
		else
			device_del(&hd->dev);
	}
	mutex_lock(&drvhook_lock);
	hd->chain->hd = NULL;
	mutex_unlock(&drvhook_lock);
}
EXPORT_SYMBOL_GPL(drvhook_dev_del);
