// SPDX-License-Identifier: GPL-2.0
/*
 * drvhook_vdev: a test-only device type on the hook core, with no
 * hardware: 'devices' virtual devices /dev/vdevN, each answering
 * VDEV_IOC_SUBMIT (vdev.h) through its submit and notify hooks.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vdev.h"

#define DRVHOOK_TYPE		vdev
#define DRVHOOK_HOOK_LIST	"vdev_hooks.h"
#define DRVHOOK_TYPE_DEFINE
#include "../../../kmod/core/drvhook_type.h"

#define VDEV_MAX	4

static unsigned int devices = 2;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "virtual devices to create (1-4)");

struct vdev {
	struct drvhook_dev hd;
	struct cdev cdev;
};

static struct vdev *vdevs[VDEV_MAX];
static dev_t vdev_devt;

static int vdev_submit(struct vdev *v, struct vdev_req *r)
{
	int err = 0;

	if (vdev_hook_has(&v->hd, VDEV_HOOK_SUBMIT)) {
		struct vdev_submit_ctx ctx = { .dev = v->hd.info,
					       .value = r->in };

		err = vdev_hook_run(&v->hd, VDEV_HOOK_SUBMIT, &ctx, NULL, 0);
		if (err)
			return err;
		r->in = ctx.value;
	}
	r->out = r->in + VDEV_ADD;
	r->notified = 0;
	if (vdev_hook_has(&v->hd, VDEV_HOOK_NOTIFY)) {
		struct vdev_notify_ctx ctx = { .dev = v->hd.info,
					       .value = r->out };

		r->notified = vdev_hook_run(&v->hd, VDEV_HOOK_NOTIFY, &ctx,
					    NULL, 0);
	}
	return 0;
}

static long vdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vdev *v = container_of(file_inode(file)->i_cdev, struct vdev,
				      cdev);
	struct vdev_req r;
	int err;

	if (cmd != VDEV_IOC_SUBMIT)
		return -ENOTTY;
	if (copy_from_user(&r, (void __user *)arg, sizeof(r)))
		return -EFAULT;
	err = vdev_submit(v, &r);
	if (err)
		return err;
	return copy_to_user((void __user *)arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static const struct file_operations vdev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static void vdev_release(struct device *dev)
{
	kfree(container_of(to_drvhook_dev(dev), struct vdev, hd));
}

static int vdev_add(unsigned int i)
{
	struct vdev *v;
	int err;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	err = drvhook_dev_init(&v->hd, &vdev_type, NULL, vdev_release);
	if (err) {
		kfree(v);
		return err;
	}
	v->hd.dev.devt = MKDEV(MAJOR(vdev_devt), v->hd.info.id);
	cdev_init(&v->cdev, &vdev_fops);
	v->cdev.owner = THIS_MODULE;
	err = drvhook_dev_add(&v->hd, &v->cdev);
	if (err) {
		drvhook_dev_del(&v->hd, NULL);
		put_device(&v->hd.dev);
		return err;
	}
	vdevs[i] = v;
	return 0;
}

static void vdev_del_all(void)
{
	unsigned int i;

	for (i = 0; i < VDEV_MAX; i++) {
		if (!vdevs[i])
			continue;
		drvhook_dev_del(&vdevs[i]->hd, &vdevs[i]->cdev);
		put_device(&vdevs[i]->hd.dev);
		vdevs[i] = NULL;
	}
}

static int __init vdev_init(void)
{
	unsigned int i;
	int err;

	if (!devices || devices > VDEV_MAX)
		return -EINVAL;
	err = vdev_type_register();
	if (err)
		return err;
	err = alloc_chrdev_region(&vdev_devt, 0, VDEV_MAX, "vdev");
	if (err)
		goto err_type;
	for (i = 0; i < devices; i++) {
		err = vdev_add(i);
		if (err)
			goto err_devs;
	}
	return 0;

err_devs:
	vdev_del_all();
	unregister_chrdev_region(vdev_devt, VDEV_MAX);
err_type:
	vdev_type_unregister();
	return err;
}

static void __exit vdev_exit(void)
{
	vdev_del_all();
	unregister_chrdev_region(vdev_devt, VDEV_MAX);
	vdev_type_unregister();
}

module_init(vdev_init);
module_exit(vdev_exit);
MODULE_DESCRIPTION("drvhook_vdev: a virtual test device type on the hook core");
MODULE_LICENSE("GPL");
