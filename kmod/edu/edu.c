// SPDX-License-Identifier: GPL-2.0
/*
 * drvhook_edu: the driver of QEMU's edu PCI device (1234:11e8), device
 * type "edu" of the hook core: the hardware hot path in C, every decision
 * handed to its hooks (edu_hooks.h).
 *
 * One request at a time per device (the device computes one factorial and
 * runs one DMA at a time): request hook -> MMIO -> interrupt (irq hook) ->
 * completion -> complete hook -> caller. Each request completes exactly
 * once: with its result, its hook's -errno, -ETIMEDOUT, -EBUSY (the
 * device still computes a factorial that timed out), or -ENODEV when the
 * device goes away under it.
 *
 * User memory is copied outside the locks that remove() waits for
 * (gone_sem, hw_lock): a copy may wait forever on a fault (userfaultfd,
 * FUSE). DMA data goes through a kernel bounce buffer.
 */
#include <linux/cdev.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "bench.h"
#include "bench_abi.h"
#include "compat.h"
#include "edu_type.h"

#define EDU_REG_IDENT		0x00
#define EDU_REG_LIVENESS	0x04
#define EDU_REG_FACT		0x08
#define EDU_REG_STATUS		0x20
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98

#define EDU_STATUS_COMPUTING	0x01
#define EDU_STATUS_IRQFACT	0x80
#define EDU_DMA_START		0x01
#define EDU_DMA_FROM_DEV	0x02
#define EDU_DMA_IRQ		0x04
#define EDU_IRQ_FACT		0x001
#define EDU_IRQ_DMA		0x100
#define EDU_DMA_BUF		0x40000
#define EDU_TIMEOUT_MS		2000

static bool inject_warn;
module_param(inject_warn, bool, 0444);
MODULE_PARM_DESC(inject_warn, "test only: WARN at probe (harness self-test)");

struct edu {
	struct drvhook_dev hd;		/* its device: /dev/eduN's too */
	struct pci_dev *pdev;
	void __iomem *mmio;
	struct cdev cdev;
	struct rw_semaphore gone_sem;	/* readers: file ops; writer: remove */
	bool gone;
	struct mutex hw_lock;		/* one request in hardware at a time */
	wait_queue_head_t irq_wq;	/* woken by interrupts and remove */
	atomic_t irq_seq;		/* interrupts handled */
	void *dma_buf;
	dma_addr_t dma_addr;
	int irq;
	u32 quirks;
	u32 irq_mode;
	atomic_t inflight;
	atomic64_t requests, completions, irqs;
};

static dev_t edu_devt;

/* The last reference: remove() or the last open file (via the cdev). */
static void edu_release(struct device *dev)
{
	kfree(container_of(to_drvhook_dev(dev), struct edu, hd));
}

static void edu_wake(struct edu *edu)
{
	atomic_inc(&edu->irq_seq);
	wake_up(&edu->irq_wq);
}

static irqreturn_t edu_irq_thread(int irq, void *data)
{
	edu_wake(data);
	return IRQ_HANDLED;
}

static irqreturn_t edu_irq(int irq, void *data)
{
	struct edu *edu = data;
	u32 status = readl(edu->mmio + EDU_REG_IRQ_STATUS);
	u64 count;

	if (!status)
		return IRQ_NONE;
	writel(status, edu->mmio + EDU_REG_IRQ_ACK);
	count = atomic64_inc_return(&edu->irqs);

	if (edu_hook_has(&edu->hd, EDU_HOOK_IRQ)) {
		struct edu_irq_ctx ctx = {
			.dev = edu->hd.info,
			.status = status,
			.inflight = atomic_read(&edu->inflight),
			.count = count,
		};

		if (edu_hook_run(&edu->hd, EDU_HOOK_IRQ, &ctx, NULL, 0) ==
		    EDU_IRQ_THREAD)
			return IRQ_WAKE_THREAD;
	}
	edu_wake(edu);
	return IRQ_HANDLED;
}

static bool edu_woken(struct edu *edu, int seq)
{
	return READ_ONCE(edu->gone) || atomic_read(&edu->irq_seq) != seq;
}

/*
 * Waits for the device to clear @bit of @reg: by IRQ (one after @seq, the
 * count read before the command), or polling. An interrupt while the bit
 * is still set is a stale one (of a request that timed out): wait on for
 * ours. Remove's wake-up cannot be undone: gone is part of the condition.
 */
static int edu_wait(struct edu *edu, u32 reg, u32 bit, int seq)
{
	unsigned long left = msecs_to_jiffies(EDU_TIMEOUT_MS);
	u32 v;

	if (edu->irq_mode) {
		for (;;) {
			left = wait_event_timeout(edu->irq_wq,
						  edu_woken(edu, seq), left);
			if (READ_ONCE(edu->gone))
				return -ENODEV;
			if (!left)
				return -ETIMEDOUT;
			seq = atomic_read(&edu->irq_seq);
			if (!(readl(edu->mmio + reg) & bit))
				return 0;
		}
	}
	return readl_poll_timeout(edu->mmio + reg, v,
				  !(v & bit) || READ_ONCE(edu->gone),
				  10, EDU_TIMEOUT_MS * 1000) ?:
	       (READ_ONCE(edu->gone) ? -ENODEV : 0);
}

static int edu_dma(struct edu *edu, u32 op, u32 off, u32 len)
{
	u32 cmd = EDU_DMA_START | (edu->irq_mode ? EDU_DMA_IRQ : 0);
	int seq = atomic_read(&edu->irq_seq);

	if (op == EDU_OP_DMA_FROM_DEV) {
		writeq(EDU_DMA_BUF + off, edu->mmio + EDU_REG_DMA_SRC);
		writeq(edu->dma_addr, edu->mmio + EDU_REG_DMA_DST);
		cmd |= EDU_DMA_FROM_DEV;
	} else {
		writeq(edu->dma_addr, edu->mmio + EDU_REG_DMA_SRC);
		writeq(EDU_DMA_BUF + off, edu->mmio + EDU_REG_DMA_DST);
	}
	writeq(len, edu->mmio + EDU_REG_DMA_COUNT);
	writeq(cmd, edu->mmio + EDU_REG_DMA_CMD);
	return edu_wait(edu, EDU_REG_DMA_CMD, EDU_DMA_START, seq);
}

/* The hardware part of a request; caller holds hw_lock. */
static int edu_hw(struct edu *edu, u32 op, u64 arg, u32 off, u32 len,
		  u64 *result)
{
	int err, seq;
	u32 v;

	switch (op) {
	case EDU_OP_PING:
		writel(arg, edu->mmio + EDU_REG_LIVENESS);
		*result = readl(edu->mmio + EDU_REG_LIVENESS);
		return 0;
	case EDU_OP_FACT:
		/*
		 * The device ignores a new input while it computes: a
		 * factorial that timed out may still run (large inputs take
		 * seconds). Busy, not someone else's result.
		 */
		err = readl_poll_timeout(edu->mmio + EDU_REG_STATUS, v,
					 !(v & EDU_STATUS_COMPUTING) ||
					 READ_ONCE(edu->gone),
					 100, EDU_TIMEOUT_MS * 1000);
		if (READ_ONCE(edu->gone))
			return -ENODEV;
		if (err)
			return -EBUSY;
		seq = atomic_read(&edu->irq_seq);
		writel(arg, edu->mmio + EDU_REG_FACT);
		err = edu_wait(edu, EDU_REG_STATUS, EDU_STATUS_COMPUTING, seq);
		if (!err)
			*result = readl(edu->mmio + EDU_REG_FACT);
		return err;
	default:
		return edu_dma(edu, op, off, len);
	}
}

/*
 * Out of line, so that the path without a policy stays a test and a
 * return: inlined, its context struct's zeroing, stack canary and saved
 * registers ran on every request (make bench, docs/performance.md).
 */
static noinline int edu_request_hook_run(struct drvhook_dev *hd, u32 op,
					 u64 *arg, u32 len)
{
	struct edu_request_ctx ctx = {
		.dev = hd->info,
		.op = op,
		.len = len,
		.arg = *arg,
		.pid = task_tgid_nr(current),
		.uid = from_kuid(&init_user_ns, current_uid()),
	};
	int err;

	err = edu_hook_run(hd, EDU_HOOK_REQUEST, &ctx, NULL, 0);
	if (!err)
		*arg = ctx.arg;
	return err;
}

/*
 * The request hook, before the hardware: 0, or the verdict failing the
 * request. Not inlined, and kept even where its body is empty
 * (DRVHOOK_HOOKS=n): make bench measures a kprobe on it, and its bench
 * ioctl (bench.c) runs it in a loop.
 */
noinline int edu_request_hook(struct drvhook_dev *hd, u32 op, u64 *arg,
			      u32 len)
{
	asm volatile("");
	if (!edu_hook_has(hd, EDU_HOOK_REQUEST))
		return 0;
	return edu_request_hook_run(hd, op, arg, len);
}

/*
 * One request, start to finish, in hardware under hw_lock. @kbuf: the
 * DMA data, copied to the coherent buffer (DMA_TO) or from it, after the
 * complete hook (DMA_FROM).
 */
static int edu_request_hw(struct edu *edu, u32 op, u64 *arg, u32 off,
			  u32 len, void *kbuf)
{
	u64 result = 0;
	int err;

	atomic64_inc(&edu->requests);
	err = edu_request_hook(&edu->hd, op, arg, len);
	if (err)
		goto out;

	err = mutex_lock_killable(&edu->hw_lock);
	if (err)
		goto out;
	atomic_inc(&edu->inflight);
	if (edu->gone) {
		err = -ENODEV;
		goto unlock;
	}
	if (op == EDU_OP_DMA_TO_DEV)
		memcpy(edu->dma_buf, kbuf, len);
	err = edu_hw(edu, op, *arg, off, len, &result);

	if (edu_hook_has(&edu->hd, EDU_HOOK_COMPLETE)) {
		struct edu_complete_ctx ctx = {
			.dev = edu->hd.info,
			.op = op,
			.status = err,
			.result = result,
			.len = op == EDU_OP_DMA_FROM_DEV ? len : 0,
		};
		int verdict;

		verdict = edu_hook_run(&edu->hd, EDU_HOOK_COMPLETE, &ctx,
				      ctx.len ? edu->dma_buf : NULL, ctx.len);
		if (!err) {
			err = verdict;
			result = ctx.result;
		}
	}
	if (!err && op == EDU_OP_DMA_FROM_DEV)
		memcpy(kbuf, edu->dma_buf, len);
unlock:
	atomic_dec(&edu->inflight);
	mutex_unlock(&edu->hw_lock);
out:
	atomic64_inc(&edu->completions);
	*arg = result;
	return err;
}

/* A request on a device that may be going: -ENODEV once remove began. */
static int edu_request(struct edu *edu, u32 op, u64 *arg, u32 off, u32 len,
		       void *kbuf)
{
	int err = -ENODEV;

	down_read(&edu->gone_sem);
	if (!edu->gone)
		err = edu_request_hw(edu, op, arg, off, len, kbuf);
	up_read(&edu->gone_sem);
	return err;
}

/* A DMA request between user memory and the device, through a bounce. */
static int edu_request_dma(struct edu *edu, u32 op, u32 off, u32 len,
			   void __user *ubuf)
{
	u64 arg = 0;
	void *kbuf;
	int err;

	kbuf = kmalloc(len, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	err = -EFAULT;
	if (op == EDU_OP_DMA_TO_DEV && copy_from_user(kbuf, ubuf, len))
		goto out;
	err = edu_request(edu, op, &arg, off, len, kbuf);
	if (!err && op == EDU_OP_DMA_FROM_DEV &&
	    copy_to_user(ubuf, kbuf, len))
		err = -EFAULT;
out:
	kfree(kbuf);
	return err;
}

static int edu_ioctl_dma(struct edu *edu, u32 op, void __user *uarg)
{
	struct edu_dma d;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	if (!d.len || d.len > EDU_DMA_SIZE || d.off > EDU_DMA_SIZE - d.len)
		return -EINVAL;
	return edu_request_dma(edu, op, d.off, d.len, u64_to_user_ptr(d.buf));
}

static int edu_ioctl_status(struct edu *edu, void __user *uarg)
{
	struct edu_status st;

	down_read(&edu->gone_sem);
	if (edu->gone) {
		up_read(&edu->gone_sem);
		return -ENODEV;
	}
	st = (struct edu_status) {
		.id = edu->hd.info.id,
		.hw_ident = edu->hd.info.hw_ident,
		.quirks = edu->quirks,
		.irq_mode = edu->irq_mode,
		.requests = atomic64_read(&edu->requests),
		.completions = atomic64_read(&edu->completions),
		.irqs = atomic64_read(&edu->irqs),
	};
	up_read(&edu->gone_sem);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

/* The bench ioctl: privileged, small copies. */
static long edu_ioctl_bench(struct edu *edu, void __user *uarg)
{
	long ret = -ENODEV;

	down_read(&edu->gone_sem);
	if (!edu->gone)
		ret = drvhook_bench_ioctl(&edu->hd, uarg);
	up_read(&edu->gone_sem);
	return ret;
}

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu *edu = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct edu_fact f;
	u64 v;
	int err;

	switch (cmd) {
	case EDU_IOC_PING:
		if (get_user(v, (u64 __user *)uarg))
			return -EFAULT;
		err = edu_request(edu, EDU_OP_PING, &v, 0, 0, NULL);
		return err ?: put_user(v, (u64 __user *)uarg);
	case EDU_IOC_FACT:
		if (copy_from_user(&f, uarg, sizeof(f)))
			return -EFAULT;
		v = f.in;
		err = edu_request(edu, EDU_OP_FACT, &v, 0, 0, NULL);
		f.out = v;
		return err ?: copy_to_user(uarg, &f, sizeof(f)) ? -EFAULT : 0;
	case EDU_IOC_DMA_TO:
		return edu_ioctl_dma(edu, EDU_OP_DMA_TO_DEV, uarg);
	case EDU_IOC_DMA_FROM:
		return edu_ioctl_dma(edu, EDU_OP_DMA_FROM_DEV, uarg);
	case EDU_IOC_STATUS:
		return edu_ioctl_status(edu, uarg);
	case EDU_IOC_BENCH:
		return edu_ioctl_bench(edu, uarg);
	default:
		return -ENOTTY;
	}
}

static ssize_t edu_rw(struct file *file, char __user *buf, size_t count,
		      loff_t *pos, u32 op)
{
	struct edu *edu = file->private_data;
	int err;

	if (*pos >= EDU_DMA_SIZE || !count)
		return 0;
	count = min_t(size_t, count, EDU_DMA_SIZE - *pos);
	err = edu_request_dma(edu, op, *pos, count, buf);
	if (err)
		return err;
	*pos += count;
	return count;
}

static ssize_t edu_read(struct file *file, char __user *buf, size_t count,
			loff_t *pos)
{
	return edu_rw(file, buf, count, pos, EDU_OP_DMA_FROM_DEV);
}

static ssize_t edu_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *pos)
{
	return edu_rw(file, (char __user *)buf, count, pos,
		      EDU_OP_DMA_TO_DEV);
}

static int edu_open(struct inode *inode, struct file *file)
{
	struct edu *edu = container_of(inode->i_cdev, struct edu, cdev);

	file->private_data = edu;
	return 0;
}

static const struct file_operations edu_fops = {
	.owner = THIS_MODULE,
	.open = edu_open,
	.read = edu_read,
	.write = edu_write,
	.unlocked_ioctl = edu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = default_llseek,
};

static int edu_setup_irq(struct edu *edu)
{
	struct pci_dev *pdev = edu->pdev;
	unsigned int types = PCI_IRQ_INTX;
	int err;

	if (edu->quirks & EDU_QUIRK_POLL)
		return 0;
	if (!(edu->quirks & EDU_QUIRK_NO_MSI))
		types |= PCI_IRQ_MSI;
	err = pci_alloc_irq_vectors(pdev, 1, 1, types);
	if (err < 0)
		return err;
	edu->irq = pci_irq_vector(pdev, 0);
	err = request_threaded_irq(edu->irq, edu_irq, edu_irq_thread,
				   pdev->msi_enabled ? 0 : IRQF_SHARED,
				   dev_name(&edu->hd.dev), edu);
	if (err) {
		pci_free_irq_vectors(pdev);
		return err;
	}
	edu->irq_mode = pdev->msi_enabled ? 2 : 1;
	writel(EDU_STATUS_IRQFACT, edu->mmio + EDU_REG_STATUS);
	return 0;
}

/*
 * QEMU's edu raises the factorial interrupt from its compute thread, under
 * QEMU's global lock, and its unplug joins that thread holding the same
 * lock: a thread still on its way to raise an interrupt deadlocks QEMU.
 * So, before letting go: no interrupt on completion any more, and the
 * thread past any it had decided on (it has taken up a new, trivial input).
 * A computation that outlasts the poll sees the cleared bit itself.
 */
static void edu_quiesce(struct edu *edu)
{
	void __iomem *status = edu->mmio + EDU_REG_STATUS;
	u32 v;

	writel(0, status);
	if (readl_poll_timeout(status, v, !(v & EDU_STATUS_COMPUTING),
			       10, EDU_TIMEOUT_MS * 1000))
		return;
	writel(1, edu->mmio + EDU_REG_FACT);
	readl_poll_timeout(status, v, !(v & EDU_STATUS_COMPUTING),
			   10, EDU_TIMEOUT_MS * 1000);
}

/*
 * The DMA engine runs from a timer, ~100 ms after its command: a request
 * that ended with -ENODEV may leave a transfer running. Waited out before
 * the coherent buffer goes (devres frees it after remove) and the
 * interrupt (an INTx nobody acks); if it never ends, the device loses bus
 * mastering instead.
 */
static void edu_quiesce_dma(struct edu *edu)
{
	u32 v;

	if (!readl_poll_timeout(edu->mmio + EDU_REG_DMA_CMD, v,
				!(v & EDU_DMA_START), 1000,
				EDU_TIMEOUT_MS * 1000))
		return;
	dev_warn(&edu->pdev->dev, "DMA still running at remove\n");
	pci_clear_master(edu->pdev);
}

static void edu_free_irq(struct edu *edu)
{
	if (!edu->irq_mode)
		return;
	edu_quiesce(edu);
	free_irq(edu->irq, edu);
	pci_free_irq_vectors(edu->pdev);
}

/* Identification and liveness: is this really a working edu? */
static int edu_identify(struct edu *edu)
{
	u32 ident = readl(edu->mmio + EDU_REG_IDENT);

	if ((ident & 0xff) != 0xed)
		return -ENODEV;
	writel(0x5a5aa5a5, edu->mmio + EDU_REG_LIVENESS);
	if (readl(edu->mmio + EDU_REG_LIVENESS) != ~0x5a5aa5a5U)
		return -EIO;
	edu->hd.info.hw_ident = ident;
	return 0;
}

/* The probe hook: a policy may refuse the device or set its quirks. */
static int edu_probe_hook(struct edu *edu)
{
	struct edu_probe_ctx ctx = { .dev = edu->hd.info };
	int err;

	if (!edu_hook_has(&edu->hd, EDU_HOOK_PROBE))
		return 0;
	err = edu_hook_run(&edu->hd, EDU_HOOK_PROBE, &ctx, NULL, 0);
	if (err)
		return err;
	edu->quirks = ctx.quirks & EDU_QUIRK_MASK;
	return 0;
}

static const char * const edu_irq_modes[] = { "polling", "INTx", "MSI" };

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	int err;

	WARN_ON(inject_warn);
	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	init_rwsem(&edu->gone_sem);
	mutex_init(&edu->hw_lock);
	init_waitqueue_head(&edu->irq_wq);
	edu->hd.info.vendor = pdev->vendor;
	edu->hd.info.device = pdev->device;
	edu->hd.info.revision = pdev->revision;

	err = pcim_enable_device(pdev);
	if (err)
		goto err_free;
	err = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (err)
		goto err_free;
	edu->mmio = pcim_iomap_table(pdev)[0];
	err = edu_identify(edu);
	if (err)
		goto err_free;
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(28));
	if (err)
		goto err_free;
	edu->dma_buf = dmam_alloc_coherent(&pdev->dev, EDU_DMA_SIZE,
					   &edu->dma_addr, GFP_KERNEL);
	if (!edu->dma_buf) {
		err = -ENOMEM;
		goto err_free;
	}
	pci_set_master(pdev);

	/* from here on, edu_release() frees edu */
	err = drvhook_dev_init(&edu->hd, &edu_type, &pdev->dev, edu_release);
	if (err)
		goto err_free;
	err = edu_probe_hook(edu);
	if (err)
		goto err_del;
	err = edu_setup_irq(edu);
	if (err)
		goto err_del;
	edu->hd.dev.devt = MKDEV(MAJOR(edu_devt), edu->hd.info.id);
	cdev_init(&edu->cdev, &edu_fops);
	edu->cdev.owner = THIS_MODULE;
	err = drvhook_dev_add(&edu->hd, &edu->cdev);
	if (err)
		goto err_irq;
	pci_set_drvdata(pdev, edu);
	dev_info(&pdev->dev, "%s: ident %#x, %s\n", dev_name(&edu->hd.dev),
		 edu->hd.info.hw_ident, edu_irq_modes[edu->irq_mode]);
	return 0;

err_irq:
	edu_free_irq(edu);
err_del:
	drvhook_dev_del(&edu->hd, NULL);
	put_device(&edu->hd.dev);
	return err;
err_free:
	kfree(edu);
	return err;
}

/*
 * Unbind and hot-unplug: requests in flight end with -ENODEV, later file
 * operations too; the policies stay attached to the id (core/chain.c).
 */
static void edu_remove(struct pci_dev *pdev)
{
	struct edu *edu = pci_get_drvdata(pdev);

	WRITE_ONCE(edu->gone, true);
	wake_up_all(&edu->irq_wq);
	down_write(&edu->gone_sem);
	up_write(&edu->gone_sem);

	edu_quiesce_dma(edu);
	edu_free_irq(edu);
	drvhook_dev_del(&edu->hd, &edu->cdev);
	put_device(&edu->hd.dev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "drvhook_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static int __init edu_init(void)
{
	int err;

	err = edu_type_register();
	if (err)
		return err;
	err = alloc_chrdev_region(&edu_devt, 0, DRVHOOK_MAX_DEVS, "edu");
	if (err)
		goto err_type;
	err = drvhook_bench_init();
	if (err)
		goto err_region;
	err = pci_register_driver(&edu_driver);
	if (err)
		goto err_bench;
	return 0;

err_bench:
	drvhook_bench_exit();
err_region:
	unregister_chrdev_region(edu_devt, DRVHOOK_MAX_DEVS);
err_type:
	edu_type_unregister();
	return err;
}

static void __exit edu_exit(void)
{
	pci_unregister_driver(&edu_driver);
	drvhook_bench_exit();
	unregister_chrdev_region(edu_devt, DRVHOOK_MAX_DEVS);
	edu_type_unregister();
}

module_init(edu_init);
module_exit(edu_exit);
MODULE_DESCRIPTION("drvhook_edu: QEMU's edu device, with BPF hooks (drvhook)");
MODULE_LICENSE("GPL");
