// SPDX-License-Identifier: GPL-2.0
/*
 * drvhook_vblk: a blk-mq driver for virtio-blk disks (VIRTIO_ID_BLOCK),
 * device type "vblk" of the hook core. The stub owns the hot path: the
 * request's descriptors into the virtqueue, the device's interrupt, the
 * request's end. Every decision is a hook (vblk_hooks.h): probe (refuse
 * the disk, its read-only flag, queue depth and request size), request
 * (refuse a request before it reaches the virtqueue), complete (the
 * request's status). Disks are /dev/vblkN, N the id of
 * /sys/class/drvhook/vblkN. One blk-mq hardware queue per virtqueue
 * (VIRTIO_BLK_F_MQ's num_queues, at most one per CPU).
 *
 * No MODULE_DEVICE_TABLE: the in-tree virtio_blk claims the same devices,
 * so drvhook_vblk binds only where it is loaded on purpose (or a disk is
 * bound to it through sysfs).
 */
#include <linux/blk-cgroup.h>
#include <linux/blk-mq.h>
#include <linux/cgroup.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/virtio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include "compat.h"
#include "../../include/drvhook/vblk.h"

#define DRVHOOK_TYPE		vblk
#define DRVHOOK_HOOK_LIST	"vblk_hooks.h"
#define DRVHOOK_TYPE_DEFINE
#include "../core/drvhook_type.h"

#define VBLK_MINORS	16	/* the disk and 15 partitions */
#define VBLK_MAX_SEGS	64	/* data segments per request */

struct vblk_vq {
	struct virtqueue *vq;
	spinlock_t lock;		/* the virtqueue's */
	char name[16];
} ____cacheline_aligned_in_smp;

struct vblk {
	struct drvhook_dev hd;		/* /sys/class/drvhook/vblkN */
	struct virtio_device *vdev;
	struct vblk_vq *vqs;		/* hardware queue i is vqs[i] */
	unsigned int nr_vqs;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	bool removing;			/* vblk_remove() began: no request is deferred */
};

/* Each request's driver data (the tag set's cmd_size). */
struct vblk_req {
	struct virtio_blk_outhdr out;
	struct virtio_blk_discard_write_zeroes range;
	u64 start_ns;			/* when queued, if a complete hook was on */
	u32 op;				/* enum vblk_op */
	u8 status;			/* VIRTIO_BLK_S_*, written by the device */
	struct scatterlist sg[VBLK_MAX_SEGS];
};

static int vblk_major;

static void vblk_release(struct device *dev)
{
	struct vblk *v = container_of(to_drvhook_dev(dev), struct vblk, hd);

	kfree(v->vqs);
	kfree(v);
}

/* The request's enum vblk_op and virtio type, or -1. */
static int vblk_op(struct request *req, u32 *type)
{
	switch (req_op(req)) {
	case REQ_OP_READ:
		*type = VIRTIO_BLK_T_IN;
		return VBLK_OP_READ;
	case REQ_OP_WRITE:
		*type = VIRTIO_BLK_T_OUT;
		return VBLK_OP_WRITE;
	case REQ_OP_FLUSH:
		*type = VIRTIO_BLK_T_FLUSH;
		return VBLK_OP_FLUSH;
	case REQ_OP_DISCARD:
		*type = VIRTIO_BLK_T_DISCARD;
		return VBLK_OP_DISCARD;
	case REQ_OP_WRITE_ZEROES:
		*type = VIRTIO_BLK_T_WRITE_ZEROES;
		return VBLK_OP_WRITE_ZEROES;
	default:
		return -1;
	}
}

/* The cgroup the request's I/O is charged to, 0 without one. */
static u64 vblk_cgroup_id(struct request *req)
{
	struct cgroup_subsys_state *css;

	css = req->bio ? bio_blkcg_css(req->bio) : NULL;
	return css ? cgroup_id(css->cgroup) : 0;
}

static sector_t vblk_sector(struct request *req, u32 op)
{
	return op == VBLK_OP_FLUSH ? 0 : blk_rq_pos(req);
}

/* A deferred request is asked about again after this. */
#define VBLK_DEFER_MS	1

/* A hook's -errno as a block status; never one that requeues. */
static blk_status_t vblk_errno_status(int err)
{
	blk_status_t sts = errno_to_blk_status(err);

	if (sts == BLK_STS_RESOURCE || sts == BLK_STS_DEV_RESOURCE ||
	    sts == BLK_STS_AGAIN)
		return BLK_STS_IOERR;
	return sts;
}

static noinline int vblk_request_hook(struct vblk *v, struct request *req,
				      u32 op, u32 *ioprio)
{
	struct vblk_request_ctx ctx = {
		.dev = v->hd.info,
		.op = op,
		.nr_sectors = blk_rq_sectors(req),
		.sector = vblk_sector(req, op),
		.cgroup_id = vblk_cgroup_id(req),
		.ioprio = *ioprio,
	};
	int err;

	err = vblk_hook_run(&v->hd, VBLK_HOOK_REQUEST, &ctx, NULL, 0);
	if (!err)
		*ioprio = ctx.ioprio;
	return err;
}

static void vblk_kick(struct vblk_vq *q)
{
	unsigned long flags;
	bool notify;

	spin_lock_irqsave(&q->lock, flags);
	notify = virtqueue_kick_prepare(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
}

/*
 * The request hook's "not now": back to the requeue list, dispatched
 * again VBLK_DEFER_MS later, as dm-rq's delayed requeue. Not
 * BLK_STS_RESOURCE: that stops the hardware queue's dispatch, and every
 * request behind this one would wait for it.
 */
static void vblk_defer(struct request *req)
{
	blk_mq_start_request(req);
	blk_mq_requeue_request(req, false);
	blk_mq_delay_kick_requeue_list(req->q, VBLK_DEFER_MS);
}

static blk_status_t vblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct vblk *v = hctx->queue->queuedata;
	struct vblk_vq *q = &v->vqs[hctx->queue_num];
	struct request *req = bd->rq;
	struct vblk_req *r = blk_mq_rq_to_pdu(req);
	struct scatterlist hdr, range, status, *sgs[4];
	unsigned int out = 0, in = 0, nsg = 0;
	u32 type, ioprio = req_get_ioprio(req);
	unsigned long flags;
	bool notify;
	int op, err;

	op = vblk_op(req, &type);
	if (op < 0)
		return BLK_STS_NOTSUPP;
	if (vblk_hook_has(&v->hd, VBLK_HOOK_REQUEST)) {
		err = vblk_request_hook(v, req, op, &ioprio);
		if (err == -EAGAIN && !READ_ONCE(v->removing)) {
			vblk_defer(req);
			return BLK_STS_OK;
		}
		if (err)
			return vblk_errno_status(err);
	}
	r->op = op;
	r->start_ns = vblk_hook_has(&v->hd, VBLK_HOOK_COMPLETE) ?
		      ktime_get_ns() : 0;
	r->out.type = cpu_to_virtio32(v->vdev, type);
	r->out.ioprio = cpu_to_virtio32(v->vdev, ioprio);
	r->out.sector = cpu_to_virtio64(v->vdev, vblk_sector(req, op));
	r->status = VIRTIO_BLK_S_IOERR;
	blk_mq_start_request(req);

	sg_init_one(&hdr, &r->out, sizeof(r->out));
	sgs[out++] = &hdr;
	if (op == VBLK_OP_DISCARD || op == VBLK_OP_WRITE_ZEROES) {
		u32 f = op == VBLK_OP_WRITE_ZEROES &&
			!(req->cmd_flags & REQ_NOUNMAP) ?
			VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;

		r->range.sector = cpu_to_le64(blk_rq_pos(req));
		r->range.num_sectors = cpu_to_le32(blk_rq_sectors(req));
		r->range.flags = cpu_to_le32(f);
		sg_init_one(&range, &r->range, sizeof(r->range));
		sgs[out++] = &range;
	} else if (blk_rq_nr_phys_segments(req)) {
		sg_init_table(r->sg, blk_rq_nr_phys_segments(req));
		nsg = vblk_map_sg(req, r->sg);
	}
	if (nsg && op == VBLK_OP_WRITE)
		sgs[out++] = r->sg;
	if (nsg && op == VBLK_OP_READ)
		sgs[out + in++] = r->sg;
	sg_init_one(&status, &r->status, sizeof(r->status));
	sgs[out + in++] = &status;

	spin_lock_irqsave(&q->lock, flags);
	err = virtqueue_add_sgs(q->vq, sgs, out, in, r, GFP_ATOMIC);
	if (err) {
		virtqueue_kick(q->vq);
		/* full: vblk_done() starts the queue again */
		if (err == -ENOSPC)
			blk_mq_stop_hw_queue(hctx);
		spin_unlock_irqrestore(&q->lock, flags);
		if (err == -ENOSPC)
			return BLK_STS_DEV_RESOURCE;
		return err == -ENOMEM ? BLK_STS_RESOURCE : BLK_STS_IOERR;
	}
	notify = bd->last && virtqueue_kick_prepare(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
	return BLK_STS_OK;
}

static void vblk_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct vblk *v = hctx->queue->queuedata;

	vblk_kick(&v->vqs[hctx->queue_num]);
}

/* The virtqueue's callback: the device's interrupt. */
static void vblk_done(struct virtqueue *vq)
{
	struct vblk *v = vq->vdev->priv;
	struct vblk_vq *q = &v->vqs[vq->index];
	struct vblk_req *r;
	unsigned long flags;
	unsigned int len;
	bool done = false;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((r = virtqueue_get_buf(vq, &len))) {
			blk_mq_complete_request(blk_mq_rq_from_pdu(r));
			done = true;
		}
		if (unlikely(virtqueue_is_broken(vq)))
			break;
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&q->lock, flags);
	/* a queue stopped on a full ring */
	if (done)
		blk_mq_start_stopped_hw_queues(v->disk->queue, true);
}

static noinline int vblk_complete_hook(struct vblk *v, struct request *req,
				       struct vblk_req *r, int err)
{
	struct vblk_complete_ctx ctx = {
		.dev = v->hd.info,
		.op = r->op,
		.nr_sectors = blk_rq_sectors(req),
		.sector = vblk_sector(req, r->op),
		.cgroup_id = vblk_cgroup_id(req),
		.latency_ns = r->start_ns ? ktime_get_ns() - r->start_ns : 0,
		.status = err,
	};
	int verdict;

	verdict = vblk_hook_run(&v->hd, VBLK_HOOK_COMPLETE, &ctx, NULL, 0);
	if (verdict)
		return verdict;
	/* a status outside 0 and -errno keeps the device's */
	return ctx.status <= 0 && ctx.status >= -MAX_ERRNO ? ctx.status : err;
}

/* blk-mq's completion of a request the device answered. */
static void vblk_complete_rq(struct request *req)
{
	struct vblk *v = req->q->queuedata;
	struct vblk_req *r = blk_mq_rq_to_pdu(req);
	int err;

	switch (r->status) {
	case VIRTIO_BLK_S_OK:
		err = 0;
		break;
	case VIRTIO_BLK_S_UNSUPP:
		err = -EOPNOTSUPP;
		break;
	default:
		err = -EIO;
	}
	if (vblk_hook_has(&v->hd, VBLK_HOOK_COMPLETE))
		err = vblk_complete_hook(v, req, r, err);
	blk_mq_end_request(req, err ? vblk_errno_status(err) : BLK_STS_OK);
}

static const struct blk_mq_ops vblk_mq_ops = {
	.queue_rq = vblk_queue_rq,
	.commit_rqs = vblk_commit_rqs,
	.complete = vblk_complete_rq,
};

static const struct block_device_operations vblk_fops = {
	.owner = THIS_MODULE,
};

/* What probe learns from the device, and the probe hook may lower. */
struct vblk_geom {
	u64 capacity;
	u32 block_size, seg_max, size_max, max_sectors, depth;
	bool ro;
};

static void vblk_read_config(struct vblk *v, struct vblk_geom *g)
{
	struct virtio_device *vdev = v->vdev;

	virtio_cread(vdev, struct virtio_blk_config, capacity, &g->capacity);
	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_BLK_SIZE,
				 struct virtio_blk_config, blk_size,
				 &g->block_size) || g->block_size < SECTOR_SIZE)
		g->block_size = SECTOR_SIZE;
	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_SEG_MAX,
				 struct virtio_blk_config, seg_max,
				 &g->seg_max) || !g->seg_max)
		g->seg_max = VBLK_MAX_SEGS;
	g->seg_max = min_t(u32, g->seg_max, VBLK_MAX_SEGS);
	g->size_max = min_t(size_t, virtio_max_dma_size(vdev), U32_MAX);
	if (!virtio_cread_feature(vdev, VIRTIO_BLK_F_SIZE_MAX,
				  struct virtio_blk_config, size_max,
				  &g->size_max) && g->size_max < PAGE_SIZE)
		g->size_max = PAGE_SIZE;
	g->max_sectors = g->seg_max * (PAGE_SIZE >> SECTOR_SHIFT);
	g->depth = v->vqs[0].vq->num_free;
	g->ro = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
}

/* The request virtqueues: num_queues of them with VIRTIO_BLK_F_MQ. */
static int vblk_init_vqs(struct vblk *v)
{
	struct virtqueue **vqs;
	const char **names;
	u16 n;
	int i, err = -ENOMEM;

	if (virtio_cread_feature(v->vdev, VIRTIO_BLK_F_MQ,
				 struct virtio_blk_config, num_queues, &n) || !n)
		n = 1;
	n = min_t(unsigned int, n, nr_cpu_ids);
	v->vqs = kcalloc(n, sizeof(*v->vqs), GFP_KERNEL);
	vqs = kcalloc(n, sizeof(*vqs), GFP_KERNEL);
	names = kcalloc(n, sizeof(*names), GFP_KERNEL);
	if (!v->vqs || !vqs || !names)
		goto out;
	for (i = 0; i < n; i++) {
		spin_lock_init(&v->vqs[i].lock);
		snprintf(v->vqs[i].name, sizeof(v->vqs[i].name), "req.%d", i);
		names[i] = v->vqs[i].name;
	}
	err = vblk_find_vqs(v->vdev, n, vqs, vblk_done, names);
	if (err)
		goto out;
	for (i = 0; i < n; i++)
		v->vqs[i].vq = vqs[i];
	v->nr_vqs = n;
out:
	kfree(names);
	kfree(vqs);
	return err;
}

static noinline int vblk_probe_hook(struct vblk *v, struct vblk_geom *g)
{
	struct vblk_probe_ctx ctx = {
		.dev = v->hd.info,
		.capacity = g->capacity,
		.block_size = g->block_size,
		.features = lower_32_bits(v->vdev->features),
		.nr_queues = v->nr_vqs,
		.read_only = g->ro,
		.queue_depth = g->depth,
		.max_sectors = g->max_sectors,
	};
	int err;

	err = vblk_hook_run(&v->hd, VBLK_HOOK_PROBE, &ctx, NULL, 0);
	if (err)
		return err;
	g->ro |= !!ctx.read_only;
	if (ctx.queue_depth && ctx.queue_depth < g->depth)
		g->depth = ctx.queue_depth;
	if (ctx.max_sectors >= 8 && ctx.max_sectors < g->max_sectors)
		g->max_sectors = ctx.max_sectors;
	return 0;
}

static void vblk_limits(struct vblk *v, const struct vblk_geom *g,
			struct queue_limits *lim)
{
	struct virtio_device *vdev = v->vdev;
	u32 n;

	lim->logical_block_size = g->block_size;
	lim->physical_block_size = g->block_size;
	lim->max_hw_sectors = g->max_sectors;
	lim->max_segments = g->seg_max;
	lim->max_segment_size = g->size_max;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		virtio_cread(vdev, struct virtio_blk_config,
			     max_discard_sectors, &n);
		lim->max_hw_discard_sectors = n ?: UINT_MAX;
		lim->max_discard_segments = 1;
		virtio_cread(vdev, struct virtio_blk_config,
			     discard_sector_alignment, &n);
		lim->discard_granularity = n ? n << SECTOR_SHIFT :
					       g->block_size;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		virtio_cread(vdev, struct virtio_blk_config,
			     max_write_zeroes_sectors, &n);
		lim->max_write_zeroes_sectors = n ?: UINT_MAX;
	}
}

static int vblk_add_disk(struct vblk *v, const struct vblk_geom *g)
{
	struct queue_limits lim = {};
	struct gendisk *disk;
	int err;

	v->tag_set.ops = &vblk_mq_ops;
	v->tag_set.nr_hw_queues = v->nr_vqs;
	v->tag_set.queue_depth = g->depth;
	v->tag_set.numa_node = NUMA_NO_NODE;
	v->tag_set.flags = VBLK_MQ_F_MERGE;
	v->tag_set.cmd_size = sizeof(struct vblk_req);
	v->tag_set.driver_data = v;
	err = blk_mq_alloc_tag_set(&v->tag_set);
	if (err)
		return err;
	vblk_limits(v, g, &lim);
	disk = vblk_alloc_disk(&v->tag_set, &lim,
			       virtio_has_feature(v->vdev, VIRTIO_BLK_F_FLUSH),
			       v);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto err_tags;
	}
	v->disk = disk;
	disk->major = vblk_major;
	disk->first_minor = v->hd.info.id * VBLK_MINORS;
	disk->minors = VBLK_MINORS;
	disk->fops = &vblk_fops;
	disk->private_data = v;
	snprintf(disk->disk_name, DISK_NAME_LEN, "vblk%u", v->hd.info.id);
	set_capacity(disk, g->capacity);
	set_disk_ro(disk, g->ro);
	virtio_device_ready(v->vdev);
	err = device_add_disk(&v->vdev->dev, disk, NULL);
	if (err)
		goto err_disk;
	return 0;

err_disk:
	virtio_reset_device(v->vdev);
	put_disk(disk);
err_tags:
	blk_mq_free_tag_set(&v->tag_set);
	return err;
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk_geom g = {};
	struct vblk *v;
	int err;

	if (!vdev->config->get)
		return -EINVAL;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	err = drvhook_dev_init(&v->hd, &vblk_type, &vdev->dev, vblk_release);
	if (err) {
		kfree(v);
		return err;
	}
	v->hd.info.vendor = vdev->id.vendor;
	v->hd.info.device = vdev->id.device;
	v->vdev = vdev;
	vdev->priv = v;
	err = vblk_init_vqs(v);
	if (err)
		goto err_dev;
	vblk_read_config(v, &g);
	if (vblk_hook_has(&v->hd, VBLK_HOOK_PROBE)) {
		err = vblk_probe_hook(v, &g);
		if (err)
			goto err_vq;
	}
	err = drvhook_dev_add(&v->hd, NULL);
	if (err)
		goto err_vq;
	err = vblk_add_disk(v, &g);
	if (err)
		goto err_vq;
	return 0;

err_vq:
	vdev->config->del_vqs(vdev);
err_dev:
	drvhook_dev_del(&v->hd, NULL);
	put_device(&v->hd.dev);
	return err;
}

/*
 * del_gendisk() waits for the requests in flight; after the reset and
 * del_vqs no hook of the device can run, and its id goes. removing is
 * set first: from then on no policy may defer a request (the request
 * path fails it instead); one that kept deferring would keep
 * del_gendisk() waiting for good.
 */
static void vblk_remove(struct virtio_device *vdev)
{
	struct vblk *v = vdev->priv;

	WRITE_ONCE(v->removing, true);
	del_gendisk(v->disk);
	blk_mq_free_tag_set(&v->tag_set);
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	put_disk(v->disk);
	drvhook_dev_del(&v->hd, NULL);
	put_device(&v->hd.dev);
}

static const struct virtio_device_id vblk_ids[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{}
};

static unsigned int vblk_features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_BLK_SIZE,
	VIRTIO_BLK_F_RO, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_DISCARD,
	VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_F_MQ,
};

static struct virtio_driver vblk_driver = {
	.feature_table = vblk_features,
	.feature_table_size = ARRAY_SIZE(vblk_features),
	.driver.name = KBUILD_MODNAME,
	.id_table = vblk_ids,
	.probe = vblk_probe,
	.remove = vblk_remove,
};

static int __init vblk_init(void)
{
	int err;

	vblk_major = register_blkdev(0, "vblk");
	if (vblk_major < 0)
		return vblk_major;
	err = vblk_type_register();
	if (err)
		goto err_blkdev;
	err = register_virtio_driver(&vblk_driver);
	if (err)
		goto err_type;
	return 0;

err_type:
	vblk_type_unregister();
err_blkdev:
	unregister_blkdev(vblk_major, "vblk");
	return err;
}

static void __exit vblk_exit(void)
{
	unregister_virtio_driver(&vblk_driver);
	vblk_type_unregister();
	unregister_blkdev(vblk_major, "vblk");
}

module_init(vblk_init);
module_exit(vblk_exit);
MODULE_DESCRIPTION("drvhook_vblk: virtio-blk disks whose decisions are BPF policies");
MODULE_LICENSE("GPL");
