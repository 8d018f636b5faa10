// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, kernel side (DRVHOOK_BENCH=y; see bench.h for the variants):
 *
 * - EDU_IOC_BENCH: the request hook part of edu_request() in a ktime loop;
 * - the admission policy of bpf/admission.bpf.c in C, for the
 *   DRVHOOK_CPOLICY=admission build;
 * - the upcall alternative: each request forwarded to a userspace daemon
 *   through /dev/drvhook_upcall and answered there.
 */
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "bench.h"
#include "bench_abi.h"

/* What the admission policy reads about the caller. */
struct bench_caller {
	u32 euid;
	u32 uid;
	u64 cgid;
	u64 parent_cgid;
};

static void bench_caller(struct bench_caller *c)
{
	const struct cred *cred = current_cred();
	struct cgroup *cg, *parent;

	c->euid = __kuid_val(cred->euid);
	c->uid = __kuid_val(cred->uid);
	c->cgid = 0;
	c->parent_cgid = 0;
	rcu_read_lock();
	cg = task_dfl_cgroup(current);
	if (cg && cg->kn) {
		c->cgid = cgroup_id(cg);
		parent = cgroup_parent(cg);
		if (parent && parent->kn)
			c->parent_cgid = cgroup_id(parent);
	}
	rcu_read_unlock();
}

/*
 * bpf/admission.bpf.c in C: the same reads (the parent cgroup through
 * cgroup_parent(), which no kernel renamed), the same record of the last
 * request (adm_seen), the same rules, an empty deny set by default.
 */
struct adm_seen {
	u32 euid;
	u32 uid;
	u64 cgid;
	u64 parent_cgid;
	u32 parent_field;
	u32 ctx_uid;
};

struct adm_deny {
	struct hlist_node node;
	u64 cgid;
};

static const u32 adm_allowed_uid;
static struct adm_seen adm_seen;
static DEFINE_HASHTABLE(adm_cg_deny, 6);

static bool adm_denied(u64 cgid)
{
	struct adm_deny *d;

	hash_for_each_possible_rcu(adm_cg_deny, d, node, cgid)
		if (d->cgid == cgid)
			return true;
	return false;
}

int drvhook_cpolicy_request(struct edu_request_ctx *req)
{
	struct bench_caller c;
	struct adm_seen s = {};
	int verdict = 0;

	bench_caller(&c);
	s.euid = c.euid;
	s.uid = c.uid;
	s.ctx_uid = req->uid;
	s.cgid = c.cgid;
	s.parent_cgid = c.parent_cgid;
	adm_seen = s;		/* racy, as the BPF array update */

	if (s.euid != adm_allowed_uid)
		return -EPERM;
	rcu_read_lock();
	if ((s.cgid && adm_denied(s.cgid)) ||
	    (s.parent_cgid && adm_denied(s.parent_cgid)))
		verdict = -EACCES;
	rcu_read_unlock();
	return verdict;
}

/* The upcall: one request at a time goes to the daemon and back. */
enum { UP_IDLE, UP_POSTED, UP_TAKEN, UP_ANSWERED };

static DEFINE_MUTEX(upc_call_lock);	/* one upcall in flight */
static DEFINE_SPINLOCK(upc_lock);	/* upc_msg, upc_state */
static DECLARE_WAIT_QUEUE_HEAD(upc_daemon_wq);
static DECLARE_WAIT_QUEUE_HEAD(upc_caller_wq);
static struct drvhook_upcall upc_msg;
static int upc_state;
static u64 upc_seq;
static atomic_t upc_daemons;

static bool upc_state_is(int state)
{
	return READ_ONCE(upc_state) == state;
}

/* 0 and the daemon's *verdict, or why there was no answer. */
static int bench_upcall(struct drvhook_dev *hd, u32 op, u64 arg, int *verdict)
{
	struct bench_caller c;
	int err = 0;

	if (!atomic_read(&upc_daemons))
		return -ENOTCONN;
	bench_caller(&c);
	err = mutex_lock_killable(&upc_call_lock);
	if (err)
		return err;
	spin_lock(&upc_lock);
	upc_msg = (struct drvhook_upcall) {
		.seq = ++upc_seq,
		.dev_id = hd->info.id,
		.op = op,
		.arg = arg,
		.pid = task_tgid_nr(current),
		.uid = c.uid,
		.euid = c.euid,
		.cgid = c.cgid,
		.parent_cgid = c.parent_cgid,
	};
	WRITE_ONCE(upc_state, UP_POSTED);
	spin_unlock(&upc_lock);
	wake_up(&upc_daemon_wq);

	wait_event_timeout(upc_caller_wq, upc_state_is(UP_ANSWERED), HZ);

	spin_lock(&upc_lock);
	if (upc_state == UP_ANSWERED)
		*verdict = upc_msg.verdict;
	else
		err = -ETIMEDOUT;
	WRITE_ONCE(upc_state, UP_IDLE);
	spin_unlock(&upc_lock);
	mutex_unlock(&upc_call_lock);
	return err;
}

static ssize_t upc_read(struct file *file, char __user *buf, size_t count,
		       loff_t *pos)
{
	struct drvhook_upcall m;
	int err;

	if (count < sizeof(m))
		return -EINVAL;
	for (;;) {
		err = wait_event_interruptible(upc_daemon_wq,
					       upc_state_is(UP_POSTED));
		if (err)
			return err;
		spin_lock(&upc_lock);
		if (upc_state == UP_POSTED) {
			m = upc_msg;
			WRITE_ONCE(upc_state, UP_TAKEN);
			spin_unlock(&upc_lock);
			break;
		}
		spin_unlock(&upc_lock);
	}
	return copy_to_user(buf, &m, sizeof(m)) ? -EFAULT : sizeof(m);
}

static ssize_t upc_write(struct file *file, const char __user *buf,
			size_t count, loff_t *pos)
{
	struct drvhook_upcall m;
	int err = 0;

	if (count != sizeof(m))
		return -EINVAL;
	if (copy_from_user(&m, buf, sizeof(m)))
		return -EFAULT;
	if (m.verdict > 0 || m.verdict < -MAX_ERRNO)
		return -EINVAL;
	spin_lock(&upc_lock);
	if (upc_state == UP_TAKEN && m.seq == upc_msg.seq) {
		upc_msg.verdict = m.verdict;
		WRITE_ONCE(upc_state, UP_ANSWERED);
	} else {
		err = -ESRCH;	/* answered too late, or never asked */
	}
	spin_unlock(&upc_lock);
	if (err)
		return err;
	wake_up(&upc_caller_wq);
	return count;
}

static int upc_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	atomic_inc(&upc_daemons);
	return 0;
}

static int upc_release(struct inode *inode, struct file *file)
{
	atomic_dec(&upc_daemons);
	return 0;
}

static const struct file_operations upc_fops = {
	.owner = THIS_MODULE,
	.open = upc_open,
	.release = upc_release,
	.read = upc_read,
	.write = upc_write,
	.llseek = noop_llseek,
};

static struct miscdevice upc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "drvhook_upcall",
	.fops = &upc_fops,
};

long drvhook_bench_ioctl(struct drvhook_dev *hd, void __user *uarg)
{
	struct edu_bench b;
	int err = 0, verdict;
	u64 t0, arg;
	u32 i;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (!b.iters || b.iters > EDU_BENCH_MAX_ITERS ||
	    b.path > EDU_BENCH_UPCALL)
		return -EINVAL;
	b.refused = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < b.iters; i++) {
		arg = i;
		verdict = edu_request_hook(hd, b.op, &arg, 0);
		if (!verdict && b.path == EDU_BENCH_UPCALL) {
			err = bench_upcall(hd, b.op, arg, &verdict);
			if (err)
				break;
		}
		if (verdict)
			b.refused++;
		if (!(i & 1023)) {
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	b.ns = ktime_get_ns() - t0;
	if (err)
		return err;
	return copy_to_user(uarg, &b, sizeof(b)) ? -EFAULT : 0;
}

int drvhook_bench_init(void)
{
	return misc_register(&upc_dev);
}

void drvhook_bench_exit(void)
{
	misc_deregister(&upc_dev);
}
