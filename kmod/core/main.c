// SPDX-License-Identifier: GPL-2.0
/*
 * drvhook.ko: the hook core's module, its class and its control device
 * /dev/drvhook (the fallback control plane of include/drvhook.h). It
 * names no device type: device modules register theirs.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "internal.h"

struct class drvhook_class = {
	.name = "drvhook",
	DRVHOOK_CLASS_OWNER
	.dev_groups = drvhook_dev_groups,
	.class_groups = drvhook_class_groups,
};

/*
 * The user copies happen outside every lock: a copy may wait forever on
 * a fault (userfaultfd, FUSE). The type's module is held while the
 * request acts on its chain.
 */
static long ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct drvhook_fb_attach req;
	struct drvhook_chain *c;
	struct drvhook_type *t;
	long err;

	if (_IOC_TYPE(cmd) != DRVHOOK_IOC_MAGIC)
		return -ENOTTY;
	if (!capable(CAP_BPF) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	req.type[DRVHOOK_NAME_LEN - 1] = '\0';
	req.name[DRVHOOK_NAME_LEN - 1] = '\0';
	req.anchor[DRVHOOK_NAME_LEN - 1] = '\0';

	rcu_read_lock();
	t = drvhook_type_find(req.type);
	if (t && !try_module_get(t->owner))
		t = NULL;
	rcu_read_unlock();
	if (!t)
		return -ENODEV;
	c = drvhook_chain_get(t, req.dev_id);
	err = -ENODEV;
	if (!c)
		goto out;
	switch (cmd) {
	case DRVHOOK_IOC_FB_ATTACH:
		err = drvhook_fb_attach(c, &req);
		break;
	case DRVHOOK_IOC_FB_DETACH:
		err = drvhook_fb_detach(c, req.name);
		goto out;
	case DRVHOOK_IOC_FB_COOKIE:
		req.cookie = drvhook_fb_reserve(c, req.name);
		err = 0;
		break;
	case DRVHOOK_IOC_FB_REPLACE:
		err = drvhook_fb_replace(c, &req);
		goto out;
	default:
		err = -ENOTTY;
		goto out;
	}
	if (!err && copy_to_user(uarg, &req, sizeof(req)))
		err = -EFAULT;
out:
	module_put(t->owner);
	return err;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "drvhook",
	.fops = &ctl_fops,
	.mode = 0600,
};

static int __init drvhook_init(void)
{
	int err;

	err = class_register(&drvhook_class);
	if (err)
		return err;
	err = drvhook_kfuncs_init();
	if (err)
		goto err_class;
	err = misc_register(&ctl_dev);
	if (err)
		goto err_class;
	return 0;

err_class:
	class_unregister(&drvhook_class);
	return err;
}

/* Every device module, and so every type, is gone: they depend on us. */
static void __exit drvhook_exit(void)
{
	misc_deregister(&ctl_dev);
	drvhook_fb_exit();
	class_unregister(&drvhook_class);
}

module_init(drvhook_init);
module_exit(drvhook_exit);
MODULE_DESCRIPTION("drvhook: BPF hooks for device drivers, the hook core");
MODULE_LICENSE("GPL");
